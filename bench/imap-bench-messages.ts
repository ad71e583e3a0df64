/**
 * Deterministic, realistic official mail for the IMAP benchmark: Chinese notices from Haining
 * departments and towns, RFC 2047 encoded subjects, CRLF line endings (RFC 5322). One in ten is
 * multipart/alternative (text + HTML), two in ten multipart/mixed with a Chinese-named
 * attachment (RFC 2231 file name), the rest text/plain in UTF-8 (8bit or base64). Every subject
 * carries an ASCII reference `HN-2026-00042`, unique per index, for SEARCH SUBJECT.
 *
 * The same index always gives the same bytes, so govmail and Dovecot hold identical mailboxes.
 */

const SENDERS: readonly [string, string][] = [
  ['海宁市人民政府办公室', 'bgs'],
  ['海宁市财政局', 'czj'],
  ['海宁市教育局', 'jyj'],
  ['海宁市卫生健康局', 'wjj'],
  ['海宁市应急管理局', 'yjj'],
  ['海宁市自然资源和规划局', 'zrzyj'],
  ['海宁市住房和城乡建设局', 'zjj'],
  ['海宁市市场监督管理局', 'scjgj'],
  ['海宁市硖石街道办事处', 'xsjd'],
  ['海宁市许村镇人民政府', 'xczf'],
  ['海宁市长安镇人民政府', 'azzf'],
  ['海宁市盐官镇人民政府', 'ygzf'],
];

const RECIPIENTS = ['张伟', '李娜', '王芳', '刘洋', '陈静', '杨帆', '赵磊', '周敏'];

const TOPICS = [
  '2026年防汛防台',
  '安全生产大检查',
  '钱塘江观潮节安保',
  '政务数据共享',
  '优化营商环境',
  '生活垃圾分类',
  '全国文明城市创建',
  '第一季度经济运行分析',
  '农村人居环境整治',
  '公文处理规范化',
  '皮革城市场秩序整治',
  '高温天气防暑降温',
];

const TEMPLATES: readonly ((t: string) => string)[] = [
  (t) => `关于做好${t}工作的通知`,
  (t) => `关于召开${t}专题会议的通知`,
  (t) => `关于报送${t}有关材料的函`,
  (t) => `${t}工作情况通报`,
  (t) => `关于印发《${t}实施方案》的通知`,
  (t) => `转发省政府关于${t}的意见`,
];

const PARAGRAPHS = [
  '各镇人民政府、街道办事处，市政府各部门、各直属单位：',
  '为深入贯彻落实省委、省政府和嘉兴市委、市政府的决策部署，进一步压实工作责任，确保各项任务按期完成，经市政府同意，现将有关事项通知如下。',
  '一、提高思想认识。各地各部门要充分认识做好此项工作的重要性和紧迫性，切实加强组织领导，主要负责同志要亲自部署、亲自过问，分管负责同志要靠前指挥、一线督导。',
  '二、明确责任分工。按照“属地管理、分级负责”和“谁主管、谁负责”的原则，层层分解任务，落实到岗到人，做到横向到边、纵向到底，不留死角。',
  '三、强化督查考核。市政府督查室将会同有关部门开展专项督查，对工作不力、推诿扯皮、造成不良后果的，依规依纪严肃追究相关人员责任。',
  '四、加强信息报送。请各单位明确一名联络员，于每周五下午三点前将本周工作进展情况报送至市政府办公室综合科，遇有重大情况须随时报告，不得迟报、漏报、瞒报。',
  '五、会议安排。会议定于本周四上午九时在市行政中心三楼第一会议室召开，请参会人员提前十分钟到场签到，会议期间请将手机调至静音状态。',
  '联系人：市政府办公室综合科，电话：0573-87281234。',
  '特此通知。',
];

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** RFC 2047 encoded-word(s), one per 30 characters so no header line exceeds 78 octets. */
function encodedWords(s: string): string {
  const chars = [...s];
  const words: string[] = [];
  for (let i = 0; i < chars.length; i += 15) words.push(`=?UTF-8?B?${b64(chars.slice(i, i + 15).join(''))}?=`);
  return words.join('\r\n ');
}

/** Base64 body wrapped at 76 characters (RFC 2045 §6.8). */
function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function subjectRef(index: number): string {
  return `HN-2026-${String(index).padStart(5, '0')}`;
}

export interface BenchMessage {
  raw: Buffer;
  envelopeFrom: string;
  kind: 'text' | 'alternative' | 'mixed';
}

export function benchMessage(index: number, to: string): BenchMessage {
  const rnd = prng(index * 7919 + 17);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const [dept, local] = pick(SENDERS);
  const from = `${local}@haining.gov.cn`;
  const subject = `${pick(TEMPLATES)(pick(TOPICS))}（海政办〔2026〕${(index % 300) + 1}号）Ref ${subjectRef(index)}`;
  const day = 1 + (index % 28);
  const month = 1 + (Math.floor(index / 28) % 12);
  const date = `${['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'][(index + month) % 7]}, ${String(day).padStart(2, '0')} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][month - 1]} 2026 ${String(8 + (index % 10)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}:00 +0800`;
  const paragraphs = 2 + Math.floor(rnd() * 12);
  const lines: string[] = [PARAGRAPHS[0]!];
  for (let i = 0; i < paragraphs; i++) lines.push(`　　${PARAGRAPHS[1 + Math.floor(rnd() * (PARAGRAPHS.length - 1))]!}`);
  lines.push('', dept, `2026年${month}月${day}日`);
  const text = lines.join('\r\n') + '\r\n';

  const head = [
    `From: ${encodedWords(dept)} <${from}>`,
    `To: ${encodedWords(pick(RECIPIENTS))} <${to}>`,
    `Subject: ${encodedWords(subject)}`,
    `Date: ${date}`,
    `Message-ID: <bench.${index}.imap@haining.gov.cn>`,
    'MIME-Version: 1.0',
  ];
  const slot = index % 10;
  let body: string[];
  let kind: BenchMessage['kind'];
  if (slot === 7) {
    kind = 'alternative';
    const boundary = `=_alt_${index}`;
    const html = `<html><body>${lines.map((l) => `<p>${l.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`).join('')}</body></html>`;
    body = [
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(Buffer.from(text, 'utf8')),
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(Buffer.from(html, 'utf8')),
      `--${boundary}--`,
      '',
    ];
  } else if (slot === 8 || slot === 9) {
    kind = 'mixed';
    const boundary = `=_mix_${index}`;
    const name = slot === 8 ? `${pick(TOPICS)}工作方案.docx` : `附件${(index % 5) + 1}：报送情况统计表.xlsx`;
    const size = 4096 + Math.floor(rnd() * 28_000);
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i++) data[i] = Math.floor(rnd() * 256);
    const type = slot === 8 ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const encodedName = encodeURIComponent(name);
    body = [
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      text,
      `--${boundary}`,
      `Content-Type: ${type}; name="${encodedWords(name)}"`,
      `Content-Disposition: attachment; filename*=UTF-8''${encodedName}`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(data),
      `--${boundary}--`,
      '',
    ];
  } else if (slot % 2 === 0) {
    kind = 'text';
    body = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text];
  } else {
    kind = 'text';
    body = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(Buffer.from(text, 'utf8')), ''];
  }
  return { raw: Buffer.from([...head, ...body].join('\r\n'), 'utf8'), envelopeFrom: from, kind };
}
