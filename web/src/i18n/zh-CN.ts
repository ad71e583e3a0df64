/** Simplified Chinese, the default language. Keys are the source of truth for every locale. */
export const zhCN = {
  'app.title': '海宁市公务电子邮箱',
  'app.loading': '正在加载…',
  'language.switchTo': 'English',
  'signIn.heading': '登录',
  'signIn.address': '邮箱地址',
  'signIn.addressHint': '例如 zhang.wei@haining.gov.cn',
  'signIn.password': '密码',
  'signIn.submit': '登录',
  'signIn.submitting': '正在登录…',
  'signIn.required': '请填写邮箱地址和密码',
  'welcome.heading': '欢迎，{name}',
  'welcome.address': '当前账号：{address}',
  'welcome.placeholder': '网页邮箱正在建设中。',
  'welcome.signOut': '退出登录',
  'welcome.signingOut': '正在退出…',
} as const;

export type MessageKey = keyof typeof zhCN;
