/**
 * The Ant Design theme, shared by the app and by the build.
 *
 * The server's CSP allows styles only from files of our origin (no 'unsafe-inline'), so antd's
 * usual runtime CSS-in-JS, which writes <style> elements, would be refused. Instead the build
 * (web/build/antd-static-css.ts) renders every antd component once with this theme and writes
 * the resulting CSS into a file, and the app runs antd in zero-runtime mode with the same theme.
 * Both import this module, so the class names (`hashed: false`) and the CSS-variable scope
 * (`cssVar.key`) agree.
 */
import type { ThemeConfig } from 'antd';

/** Class on every antd component root that scopes the theme's CSS variables. */
export const CSS_VAR_KEY = 'govmail';

const FONT_FAMILY = [
  '-apple-system',
  'BlinkMacSystemFont',
  "'Segoe UI'",
  "'PingFang SC'",
  "'Microsoft YaHei'",
  "'WenQuanYi Micro Hei'",
  "'Noto Sans CJK SC'",
  "'Helvetica Neue'",
  'Arial',
  'sans-serif',
].join(', ');

/** What the build renders the CSS with. */
export const buildTheme: ThemeConfig = {
  hashed: false,
  cssVar: { key: CSS_VAR_KEY },
  token: { colorPrimary: '#1f5fa8', colorLink: '#1f5fa8', borderRadius: 4, fontFamily: FONT_FAMILY },
};

/** What the app runs with: the same theme, and no styles written at run time. */
export const runtimeTheme: ThemeConfig = { ...buildTheme, zeroRuntime: true };
