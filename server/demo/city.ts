/**
 * A deterministic demo city: the Haining city government's unit tree, about thirty officials,
 * role aliases, per-unit distribution lists and a few hundred realistic official mails, as
 * plain data. Nothing here touches the database; `govmail init --demo` feeds the result to the
 * seeding code.
 *
 * Determinism: the same seed gives the same directory and the same subjects, bodies,
 * attachments and Message-IDs. Only the dates depend on `now`, and they come from a second
 * random stream, so moving `now` never changes a single word of content. That is also why
 * the content speaks of "下周二" and "前三季度" instead of calendar dates and years.
 *
 * Messages are RFC 5322 (CRLF line ends, MIME from nodemailer's MailComposer). MIME
 * boundaries, normally random, are derived from the seed so `raw` is byte-identical too.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { pinyin } from 'pinyin-pro';
import type { Role } from '../storage/database.js';

// ---------------------------------------------------------------------------------------------
// The exported shapes

export interface DemoUnit {
  /** Short ASCII code, unique; list addresses are built from it (`czj-all@`). */
  code: string;
  name: string;
  parentCode: string | null;
  /** Who people are told to contact about this unit's accounts. */
  contactAddress?: string;
}

export interface DemoPerson {
  name: string;
  /** Full pinyin without tones, space separated; ü is written `v` (吕 → `lv`), as people type it. */
  pinyin: string;
  /** First letter of each syllable: `zw`. */
  initials: string;
  /** The pinyin run together; a later namesake (or homophone) gets 2, 3 … appended. */
  localPart: string;
  address: string;
  unitCode: string;
  /** 职务 */
  title: string;
  /** Always contains 'staff' (everyone has a mailbox); admins carry their admin role as well. */
  roles: Role[];
}

export interface DemoAlias {
  address: string;
  /** The person's address the alias delivers to. */
  target: string;
  /** Whether the target may also send as this address. */
  canSendAs: boolean;
  description: string;
}

export interface DemoList {
  address: string;
  displayName: string;
  /** When set, membership follows this unit (and its sub-units when includeSubUnits). */
  unitCode: string | null;
  includeSubUnits: boolean;
  /** Resolved member addresses (people), in directory order. */
  members: string[];
}

export type DemoMessageKind = 'meeting' | 'briefing' | 'forward' | 'request' | 'approval' | 'report' | 'reply';

export interface DemoMessage {
  kind: DemoMessageKind;
  messageId: string;
  /** The parent's Message-ID for replies and 批复, else null. */
  inReplyTo: string | null;
  subject: string;
  /** Always a person's address. */
  from: string;
  /** Person, alias or list addresses, as written in the header; lists are not expanded. */
  to: string[];
  cc: string[];
  date: Date;
  /** The complete message, CRLF line ends. */
  raw: Buffer;
}

export interface DemoCity {
  domain: string;
  units: DemoUnit[];
  people: DemoPerson[];
  aliases: DemoAlias[];
  lists: DemoList[];
  /** Chronological: a reply always comes after its parent. */
  messages: DemoMessage[];
  /** The first two plain-staff people: the accounts the demo tells visitors to sign in as. */
  demoUsers: DemoPerson[];
}

export interface DemoCityOptions {
  /** PRNG seed; default 1. */
  seed?: number;
  /** Number of messages; default 300. */
  messageCount?: number;
  /** Mail domain; default `haining.gov.cn`. */
  domain?: string;
  /** Dates fall on working days in the 90 days before this; default the current time. */
  now?: Date;
}

export const DEMO_DEFAULTS = {
  seed: 1,
  messageCount: 300,
  domain: 'haining.gov.cn',
} as const;

/** How far back the generated mail reaches. */
const SPAN_DAYS = 90;
/** Asia/Shanghai has had no daylight saving since 1991, so a fixed offset is exact. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
/** Office hours of Zhejiang government offices: 8:30–12:00 and 13:30–17:30. */
const MORNING_START_MIN = 8 * 60 + 30;
const MORNING_MINUTES = 210;
const AFTERNOON_START_MIN = 13 * 60 + 30;
const AFTERNOON_MINUTES = 240;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: tiny, fast, good enough for demo data, and identical on every platform. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Decimal in [min, max) with `digits` decimals. */
  decimal(min: number, max: number, digits: number): number {
    return Number((min + this.next() * (max - min)).toFixed(digits));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const out: T[] = [];
    while (out.length < count && copy.length > 0) {
      const [item] = copy.splice(Math.floor(this.next() * copy.length), 1);
      if (item !== undefined) out.push(item);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// The directory, as written by hand

const UNIT_SEEDS: readonly DemoUnit[] = [
  { code: 'hnszf', name: '海宁市人民政府', parentCode: null },
  { code: 'szfb', name: '市政府办公室', parentCode: 'hnszf' },
  { code: 'czj', name: '市财政局', parentCode: 'hnszf' },
  { code: 'czj-ysk', name: '预算科', parentCode: 'czj' },
  { code: 'czj-gkk', name: '国库科', parentCode: 'czj' },
  { code: 'jyj', name: '市教育局', parentCode: 'hnszf' },
  { code: 'jyj-jck', name: '基础教育科', parentCode: 'jyj' },
  { code: 'wjj', name: '市卫生健康局', parentCode: 'hnszf' },
  { code: 'gaj', name: '市公安局', parentCode: 'hnszf' },
  { code: 'zgj', name: '市自然资源和规划局', parentCode: 'hnszf' },
  { code: 'yjj', name: '市应急管理局', parentCode: 'hnszf' },
  { code: 'yjj-fxk', name: '防汛抗旱科', parentCode: 'yjj' },
  { code: 'dsj', name: '市大数据发展管理局', parentCode: 'hnszf' },
  { code: 'dsj-aqk', name: '网络与数据安全科', parentCode: 'dsj' },
  { code: 'xsjd', name: '硖石街道', parentCode: 'hnszf' },
  { code: 'hzjd', name: '海洲街道', parentCode: 'hnszf' },
  { code: 'hcjd', name: '海昌街道', parentCode: 'hnszf' },
  { code: 'mqjd', name: '马桥街道', parentCode: 'hnszf' },
  { code: 'xcz', name: '许村镇', parentCode: 'hnszf' },
  { code: 'caz', name: '长安镇', parentCode: 'hnszf' },
  { code: 'zwmz', name: '周王庙镇', parentCode: 'hnszf' },
  { code: 'ygz', name: '盐官镇', parentCode: 'hnszf' },
  { code: 'xqz', name: '斜桥镇', parentCode: 'hnszf' },
  { code: 'dqz', name: '丁桥镇', parentCode: 'hnszf' },
  { code: 'yhz', name: '袁花镇', parentCode: 'hnszf' },
  { code: 'hwz', name: '黄湾镇', parentCode: 'hnszf' },
];

/** The root's code; everything else hangs below it. */
const ROOT = 'hnszf';
/** The city's information-management department: it runs the mail system. */
const IT_DEPARTMENT = 'dsj';

interface RosterEntry {
  name: string;
  unit: string;
  title: string;
  extraRole?: Exclude<Role, 'staff'>;
}

/**
 * The first two plain-staff entries become the demo users, so keep them first. 张伟 appears
 * twice and 李静/李晶 share a pinyin on purpose: the address book must cope with both.
 * 曾, 单, 解, 查 and 乐 are surnames read differently from the everyday word.
 */
const ROSTER: readonly RosterEntry[] = [
  { name: '张伟', unit: 'szfb', title: '科员' },
  { name: '李娜', unit: 'czj-ysk', title: '科员' },
  { name: '周明', unit: 'szfb', title: '副主任' },
  { name: '陈晓燕', unit: 'szfb', title: '综合科科长', extraRole: 'unit_admin' },
  { name: '曾志强', unit: 'czj', title: '副局长' },
  { name: '单丽华', unit: 'czj', title: '办公室主任', extraRole: 'unit_admin' },
  { name: '吴海燕', unit: 'czj-ysk', title: '科长' },
  { name: '李静', unit: 'czj-gkk', title: '科员' },
  { name: '徐文斌', unit: 'jyj', title: '副局长' },
  { name: '沈佳', unit: 'jyj', title: '办公室科员', extraRole: 'unit_admin' },
  { name: '解晓东', unit: 'jyj-jck', title: '科长' },
  { name: '钱峰', unit: 'wjj', title: '副局长' },
  { name: '朱丽萍', unit: 'wjj', title: '办公室主任' },
  { name: '俞晨', unit: 'gaj', title: '办公室副主任' },
  { name: '张伟', unit: 'gaj', title: '指挥中心民警' },
  { name: '褚建明', unit: 'zgj', title: '国土空间规划科科长' },
  { name: '孙立新', unit: 'yjj', title: '局长' },
  { name: '顾婷', unit: 'yjj', title: '办公室科员' },
  { name: '吕国华', unit: 'yjj-fxk', title: '科长' },
  { name: '何俊杰', unit: 'dsj', title: '副局长' },
  { name: '金晓明', unit: 'dsj', title: '信息系统运维科科长', extraRole: 'dept_admin' },
  { name: '陆敏', unit: 'dsj-aqk', title: '科长', extraRole: 'security_officer' },
  { name: '汤蕾', unit: 'dsj', title: '科员', extraRole: 'auditor' },
  { name: '王芳', unit: 'xsjd', title: '党政办主任', extraRole: 'unit_admin' },
  { name: '李晶', unit: 'xsjd', title: '科员' },
  { name: '杨帆', unit: 'hzjd', title: '党政办科员' },
  { name: '郑丽', unit: 'hcjd', title: '平安办主任' },
  { name: '蒋涛', unit: 'mqjd', title: '农业农村办科员' },
  { name: '冯建华', unit: 'xcz', title: '副镇长' },
  { name: '曹颖', unit: 'caz', title: '党政办科员' },
  { name: '查文军', unit: 'yhz', title: '副镇长' },
  { name: '乐红', unit: 'ygz', title: '党政办主任' },
];

interface AliasSeed {
  local: string;
  /** Roster name and unit (names alone are ambiguous: there are two 张伟). */
  person: readonly [string, string];
  canSendAs: boolean;
  description: string;
  /** Units whose contact address this alias is. */
  contactFor: readonly string[];
}

const ALIAS_SEEDS: readonly AliasSeed[] = [
  { local: 'bgs', person: ['陈晓燕', 'szfb'], canSendAs: true, description: '市政府办公室', contactFor: ['hnszf', 'szfb'] },
  { local: 'czj', person: ['单丽华', 'czj'], canSendAs: true, description: '市财政局办公室', contactFor: ['czj'] },
  { local: 'jyj', person: ['沈佳', 'jyj'], canSendAs: true, description: '市教育局办公室', contactFor: ['jyj'] },
  { local: 'yjj', person: ['顾婷', 'yjj'], canSendAs: true, description: '市应急管理局值班室', contactFor: ['yjj'] },
  { local: 'dsj', person: ['金晓明', 'dsj'], canSendAs: true, description: '市大数据发展管理局（政务邮箱管理）', contactFor: ['dsj'] },
  // RFC 5321 §4.5.1: every mail domain must accept mail for postmaster.
  { local: 'postmaster', person: ['金晓明', 'dsj'], canSendAs: false, description: '邮件系统管理员', contactFor: [] },
];

/**
 * A list kept by hand rather than following a unit: liaison officers from several units. No
 * generated mail is addressed to it, so a seeder that only creates unit lists loses nothing.
 */
const FLOOD_LIAISONS = {
  local: 'fxlly',
  displayName: '防汛工作联络员',
  people: [
    ['吕国华', 'yjj-fxk'],
    ['顾婷', 'yjj'],
    ['郑丽', 'hcjd'],
    ['杨帆', 'hzjd'],
    ['冯建华', 'xcz'],
    ['查文军', 'yhz'],
  ],
} as const;

// ---------------------------------------------------------------------------------------------
// Building the directory

interface Directory {
  units: DemoUnit[];
  people: DemoPerson[];
  aliases: DemoAlias[];
  lists: DemoList[];
  unitByCode: Map<string, DemoUnit>;
  /** The people an address reaches: a person, an alias's target or a list's members. */
  reach: Map<string, DemoPerson[]>;
  /** The name shown in address headers for any directory address. */
  displayName: Map<string, string>;
  /** The address people write to when they mean "this unit": its alias, else its list. */
  unitAddress: (code: string) => string;
}

function isDescendantOrSelf(units: Map<string, DemoUnit>, code: string, ancestor: string): boolean {
  for (let current: string | null = code; current !== null; current = units.get(current)?.parentCode ?? null) {
    if (current === ancestor) return true;
  }
  return false;
}

function personFromEntry(entry: RosterEntry, domain: string, taken: Set<string>): DemoPerson {
  // `surname: 'head'` reads the first character as a surname (曾 zeng, 单 shan, 解 xie).
  const syllables = pinyin(entry.name, { toneType: 'none', type: 'array', surname: 'head', v: true });
  const base = syllables.join('');
  let localPart = base;
  for (let n = 2; taken.has(localPart); n++) localPart = `${base}${n}`;
  taken.add(localPart);
  return {
    name: entry.name,
    pinyin: syllables.join(' '),
    initials: syllables.map((s) => s.charAt(0)).join(''),
    localPart,
    address: `${localPart}@${domain}`,
    unitCode: entry.unit,
    title: entry.title,
    roles: entry.extraRole ? ['staff', entry.extraRole] : ['staff'],
  };
}

function buildDirectory(domain: string): Directory {
  const unitByCode = new Map(UNIT_SEEDS.map((u) => [u.code, { ...u }]));
  const takenLocals = new Set<string>();
  const people = ROSTER.map((entry) => personFromEntry(entry, domain, takenLocals));
  const find = ([name, unit]: readonly [string, string]): DemoPerson => {
    const person = people.find((p) => p.name === name && p.unitCode === unit);
    if (!person) throw new Error(`demo roster has no ${name} in ${unit}`);
    return person;
  };

  const aliases = ALIAS_SEEDS.map((seed) => ({
    address: `${seed.local}@${domain}`,
    target: find(seed.person).address,
    canSendAs: seed.canSendAs,
    description: seed.description,
  }));

  const fullName = (code: string): string => unitFullName(unitByCode, code);
  const lists: DemoList[] = [];
  for (const unit of unitByCode.values()) {
    const members = people.filter((p) => isDescendantOrSelf(unitByCode, p.unitCode, unit.code)).map((p) => p.address);
    // A list nobody is on would only bounce; units without staff get one once they have some.
    if (members.length === 0) continue;
    lists.push({ address: `${unit.code}-all@${domain}`, displayName: `${fullName(unit.code)}全体人员`, unitCode: unit.code, includeSubUnits: true, members });
  }
  lists.push({
    address: `${FLOOD_LIAISONS.local}@${domain}`,
    displayName: FLOOD_LIAISONS.displayName,
    unitCode: null,
    includeSubUnits: false,
    members: FLOOD_LIAISONS.people.map((p) => find(p).address),
  });

  // Contact address: the unit's own alias, inherited by its sections; failing that its unit
  // admin; failing that the information-management department, which opens accounts for
  // units that have no administrator of their own.
  const aliasFor = new Map<string, string>();
  for (const seed of ALIAS_SEEDS) for (const code of seed.contactFor) aliasFor.set(code, `${seed.local}@${domain}`);
  for (const unit of unitByCode.values()) {
    let contact: string | undefined;
    for (let code: string | null = unit.code; code !== null && contact === undefined; code = unitByCode.get(code)?.parentCode ?? null) {
      if (code === ROOT && unit.code !== ROOT) break;
      contact = aliasFor.get(code) ?? people.find((p) => p.unitCode === code && p.roles.includes('unit_admin'))?.address;
    }
    unit.contactAddress = contact ?? `${IT_DEPARTMENT}@${domain}`;
  }

  const byAddress = new Map(people.map((p) => [p.address, p]));
  const reach = new Map<string, DemoPerson[]>(people.map((p) => [p.address, [p]]));
  const displayName = new Map<string, string>(people.map((p) => [p.address, p.name]));
  for (const alias of aliases) {
    const target = byAddress.get(alias.target);
    if (target) reach.set(alias.address, [target]);
    displayName.set(alias.address, ALIAS_SEEDS.find((s) => `${s.local}@${domain}` === alias.address)?.description ?? alias.address);
  }
  for (const list of lists) {
    reach.set(list.address, list.members.flatMap((m) => byAddress.get(m) ?? []));
    displayName.set(list.address, list.displayName);
  }

  const unitAddress = (code: string): string =>
    aliasFor.get(code) ?? lists.find((l) => l.unitCode === code)?.address ?? `${IT_DEPARTMENT}@${domain}`;

  return { units: [...unitByCode.values()], people, aliases, lists, unitByCode, reach, displayName, unitAddress };
}

/** 市财政局 → 海宁市财政局, 硖石街道 → 海宁市硖石街道, 预算科 → 海宁市财政局预算科. */
function unitFullName(units: Map<string, DemoUnit>, code: string): string {
  const unit = units.get(code);
  if (!unit) throw new Error(`unknown unit ${code}`);
  if (unit.parentCode === null) return unit.name;
  if (unit.parentCode !== ROOT) return unitFullName(units, unit.parentCode) + unit.name;
  // 市政府办公室 is short for 市人民政府办公室; the full name is what documents are signed with.
  if (unit.name.startsWith('市政府')) return `海宁市人民政府${unit.name.slice(3)}`;
  return unit.name.startsWith('市') ? `海宁${unit.name}` : `海宁市${unit.name}`;
}

// ---------------------------------------------------------------------------------------------
// What the city writes about

/** A group of recipients: every town/street list, every bureau list, or one unit's list. */
type Audience = 'towns' | 'bureaus' | (string & {});

interface MeetingTopic {
  unit: string;
  title: string;
  attendees: string;
  agenda: readonly string[];
  audience: readonly Audience[];
}

const MEETINGS: readonly MeetingTopic[] = [
  {
    unit: 'yjj',
    title: '全市防汛防台工作部署会议',
    attendees: '各镇（街道）分管负责人，市防指各成员单位分管负责人',
    agenda: ['通报近期我市雨情、水情和工程险情', '部署梅汛期和台汛期防汛防台重点工作', '各镇（街道）签订防汛防台目标责任书'],
    audience: ['towns', 'szfb', 'zgj', 'gaj'],
  },
  {
    unit: 'czj',
    title: '部门预算编制工作布置会',
    attendees: '各部门（单位）分管财务负责人、财务科（室）负责人',
    agenda: ['解读下一年度部门预算编制政策和口径', '布置预算管理一体化系统填报工作', '明确“三公”经费和会议费、培训费控制要求'],
    audience: ['bureaus', 'towns'],
  },
  {
    unit: 'szfb',
    title: '市政府常务会议',
    attendees: '市政府领导，市政府办公室主任，议题涉及部门的主要负责人',
    agenda: ['审议《海宁市防汛防台应急预案（修订稿）》', '听取全市预算执行情况汇报', '研究政务数据共享有关事项'],
    audience: ['czj', 'yjj', 'dsj', 'zgj'],
  },
  {
    unit: 'jyj',
    title: '全市教育系统安全工作会议',
    attendees: '各中小学、幼儿园校（园）长，各镇（街道）分管负责人',
    agenda: ['通报校园安全隐患排查情况', '部署防溺水和校园周边交通安全工作', '开展校园食品安全专题培训'],
    audience: ['jyj', 'towns'],
  },
  {
    unit: 'wjj',
    title: '秋冬季重点传染病防控工作会议',
    attendees: '各镇（街道）社区卫生服务中心主任，市属医疗卫生单位分管负责人',
    agenda: ['分析研判秋冬季传染病流行形势', '部署流感、诺如病毒感染等重点传染病防控工作', '督导推进重点人群疫苗接种'],
    audience: ['towns', 'jyj'],
  },
  {
    unit: 'dsj',
    title: '政务数据共享和网络安全工作推进会',
    attendees: '各部门（单位）信息化工作分管负责人和信息员',
    agenda: ['通报公共数据平台数据归集和共享情况', '部署年度网络安全检查和等级保护测评工作', '讲解政务邮箱使用规范和保密要求'],
    audience: ['bureaus', 'towns'],
  },
  {
    unit: 'zgj',
    title: '国土空间详细规划编制工作座谈会',
    attendees: '各镇（街道）分管负责人，市级有关部门相关科室负责人',
    agenda: ['通报全市详细规划编制进展', '听取各镇（街道）对规划单元划分的意见建议', '明确下阶段工作节点'],
    audience: ['towns', 'szfb'],
  },
  {
    unit: 'gaj',
    title: '电动自行车安全隐患全链条整治工作推进会',
    attendees: '市应急管理局、市教育局分管负责人，各镇（街道）平安办主任',
    agenda: ['通报电动自行车安全隐患排查整治情况', '部署住宅小区充电设施建设和违规停放整治', '明确部门联合执法工作机制'],
    audience: ['yjj', 'jyj', 'towns'],
  },
];

const PLACES = [
  '市行政中心1号楼第一会议室',
  '市行政中心2号楼四楼会议室',
  '市行政中心3号楼301会议室',
  '市应急指挥中心会商室',
  '市民之家五楼报告厅',
];

type Fill = (r: Random, unitName: string) => string;

const BRIEFING_ITEMS: Readonly<Record<string, readonly Fill[]>> = {
  czj: [
    (r) => `全市一般公共预算收入累计完成年度预算的${r.decimal(60, 90, 1)}%，同比增长${r.decimal(2, 8, 1)}%。`,
    (r) => `开展部门预算执行进度督查，对${r.int(5, 12)}家执行进度偏慢的单位进行约谈提醒。`,
    (r) => `下达防汛防台应急资金${r.int(300, 900)}万元，支持各镇（街道）开展水毁设施修复。`,
    () => '深化预算管理一体化系统应用，实现市、镇两级预算编制和执行全流程线上管理。',
  ],
  yjj: [
    (r) => `开展汛前安全隐患大排查，共检查山塘水库、在建工地等重点部位${r.int(120, 300)}处，整改隐患${r.int(30, 90)}处。`,
    (r) => `组织全市防汛防台应急演练，出动抢险队伍${r.int(10, 30)}支、人员${r.int(200, 600)}人次。`,
    (r) => `补充防汛物资储备，新增编织袋${r.int(1, 5)}万只、救生衣${r.int(200, 800)}件。`,
    (r) => `严格落实汛期24小时值班和领导带班制度，及时发布暴雨预警信息${r.int(5, 20)}次。`,
  ],
  jyj: [
    (r) => `完成全市${r.int(40, 80)}所中小学校舍安全检查，发现并整改问题${r.int(10, 40)}个。`,
    (r) => `开展防溺水专题教育，覆盖学生${r.int(5, 9)}万余人次。`,
    (r) => `推进义务教育优质均衡发展，新增优质学位${r.int(800, 2000)}个。`,
  ],
  wjj: [
    (r) => `全市累计接种流感疫苗${r.decimal(3, 8, 1)}万剂次。`,
    (r) => `开展医疗机构消防安全检查${r.int(30, 70)}家次，督促整改隐患${r.int(10, 30)}处。`,
    (r) => `家庭医生签约服务${r.decimal(5, 12, 1)}万人，重点人群签约率${r.decimal(70, 90, 1)}%。`,
  ],
  dsj: [
    (r) => `公共数据平台新增归集数据${r.int(100, 500)}万条，支撑“一网通办”事项${r.int(50, 150)}项。`,
    (r) => `完成政务云平台安全加固，处置安全告警${r.int(20, 80)}条，未发生网络安全事件。`,
    (r) => `政务邮箱新开通账号${r.int(20, 80)}个，注销离岗人员账号${r.int(5, 20)}个。`,
    (r) => `组织网络安全和保密知识培训，参训人员${r.int(100, 300)}人。`,
  ],
  szfb: [
    (r) => `办理人大代表建议和政协提案${r.int(100, 200)}件，办结率100%。`,
    (r) => `编发《海宁政务信息》${r.int(10, 30)}期，被嘉兴市级以上采用${r.int(5, 20)}篇。`,
    (r) => `督查市政府重点工作${r.int(20, 40)}项，均按序时进度推进。`,
  ],
  town: [
    (r, u) => `${u}完成防汛防台网格责任人调整，落实网格责任人${r.int(50, 200)}名。`,
    (r, u) => `${u}开展安全生产大检查，检查企业${r.int(40, 150)}家，督促整改隐患${r.int(20, 90)}处。`,
    (r, u) => `${u}深化“千万工程”，完成${r.int(3, 10)}个村庄环境整治提升。`,
    (r, u) => `${u}召开预算执行分析会，一般性支出同比压减${r.int(5, 15)}%。`,
  ],
};

const BRIEFING_NEXT_STEPS = [
  '下一步，我们将紧扣年度目标任务，查漏补缺、持续发力，确保各项工作落到实处。',
  '下一步，我们将进一步压实工作责任，强化督查考核，推动重点工作提质增效。',
  '下一步，我们将坚持问题导向，加强统筹协调，为海宁高质量发展作出新的贡献。',
];

interface ForwardTopic {
  unit: string;
  issuer: string;
  title: string;
  addressee: string;
  paragraphs: readonly string[];
  salutation: string;
  request: string;
  audience: readonly Audience[];
}

const FORWARDS: readonly ForwardTopic[] = [
  {
    unit: 'yjj',
    issuer: '浙江省防汛防台抗旱指挥部办公室',
    title: '关于切实做好强降雨防御工作的紧急通知',
    addressee: '各市、县（市、区）防指',
    paragraphs: [
      '据气象部门预测，近期我省将出现持续性强降雨过程，局地有大暴雨，防汛形势严峻复杂。',
      '一、压实防御责任。各地要严格落实防汛防台责任制，各级领导干部要深入一线、靠前指挥。',
      '二、强化隐患排查。要对山塘水库、河道堤防、地下空间、在建工地等重点部位开展全面排查，发现隐患立即整改。',
      '三、做好人员转移。对危险区域人员要做到应转尽转、应转早转，确保不漏一户、不落一人。',
      '四、严格值班值守。严格执行24小时值班和领导带班制度，重要情况及时报告。',
    ],
    salutation: '各镇（街道），市防指各成员单位',
    request: '请各镇（街道）于本周五前将隐患排查情况报市防指办（市应急管理局）。',
    audience: ['towns', 'zgj', 'gaj', 'jyj'],
  },
  {
    unit: 'czj',
    issuer: '嘉兴市财政局',
    title: '关于进一步加强预算执行管理的通知',
    addressee: '各县（市、区）财政局',
    paragraphs: [
      '为进一步严肃财经纪律，提高财政资金使用效益，现就加强预算执行管理有关事项通知如下。',
      '一、加快预算执行进度。各地要对照序时进度，督促预算单位加快项目实施和资金支付。',
      '二、严控一般性支出。坚持过紧日子，从严控制“三公”经费、会议费和培训费。',
      '三、加强结转结余资金管理。对连续两年未用完的结转资金，一律收回统筹使用。',
    ],
    salutation: '市级各部门（单位），各镇（街道）',
    request: '请各单位对照要求开展自查，并于月底前将预算执行情况报市财政局预算科。',
    audience: ['bureaus', 'towns'],
  },
  {
    unit: 'dsj',
    issuer: '嘉兴市大数据发展管理局',
    title: '关于开展政务网络安全专项检查的通知',
    addressee: '各县（市、区）大数据发展管理部门',
    paragraphs: [
      '为切实保障政务网络安全，决定在全市范围内开展政务网络安全专项检查。',
      '一、检查范围：各级政务部门的门户网站、业务系统、政务邮箱和办公终端。',
      '二、检查内容：弱口令、未修补漏洞、违规外联、敏感信息泄露等问题。',
      '三、工作要求：各单位要落实网络安全责任制，发现问题立即整改，整改情况按时报送。',
    ],
    salutation: '市级各部门（单位），各镇（街道）',
    request: '请各单位于两周内完成自查，并将问题清单报市大数据发展管理局网络与数据安全科。政务邮箱严禁使用弱口令，严禁处理涉密信息。',
    audience: ['bureaus', 'towns'],
  },
  {
    unit: 'jyj',
    issuer: '浙江省教育厅',
    title: '关于做好中小学生防溺水工作的通知',
    addressee: '各市、县（市、区）教育局',
    paragraphs: [
      '当前正值溺水事故易发多发期，为切实保障学生生命安全，现就做好防溺水工作通知如下。',
      '一、开展专题教育。各地各校要通过主题班会、家长会等形式，深入开展防溺水安全教育。',
      '二、落实家校共管。要通过告家长书等方式，提醒家长切实履行监护责任。',
      '三、加强巡查排查。会同有关部门对河塘、水库等危险水域开展巡查，完善警示标志和救生设施。',
    ],
    salutation: '各镇（街道），局属各学校',
    request: '请各镇（街道）督促辖区学校认真落实，并做好危险水域巡查工作。',
    audience: ['towns', 'jyj-jck'],
  },
  {
    unit: 'szfb',
    issuer: '嘉兴市人民政府办公室',
    title: '关于进一步规范公文办理工作的通知',
    addressee: '各县（市、区）人民政府，市政府各部门、直属各单位',
    paragraphs: [
      '为进一步提高公文办理质量和效率，现就有关事项通知如下。',
      '一、严格公文格式。公文格式应当符合《党政机关公文格式》国家标准要求。',
      '二、规范电子公文传输。通过政务邮箱传输的公文应当标明密级和紧急程度，涉密公文严禁通过互联网传输。',
      '三、提高办理时效。来文应当及时登记、拟办，急件随到随办。',
    ],
    salutation: '各镇（街道），市级各部门（单位）',
    request: '各单位通过政务邮箱传输公文时，请一并标明密级和紧急程度。',
    audience: ['hnszf'],
  },
  {
    unit: 'wjj',
    issuer: '嘉兴市卫生健康委员会',
    title: '关于做好秋冬季传染病防控工作的通知',
    addressee: '各县（市、区）卫生健康局',
    paragraphs: [
      '秋冬季是流感、诺如病毒感染等呼吸道和肠道传染病的高发季节，为做好防控工作，现通知如下。',
      '一、加强监测预警。各级医疗机构要落实传染病疫情报告制度，及时发现聚集性疫情。',
      '二、推进疫苗接种。重点做好老年人、学生等重点人群的流感疫苗接种工作。',
      '三、做好学校和托幼机构防控。落实晨午检和因病缺勤追踪登记制度。',
    ],
    salutation: '各镇（街道），市教育局',
    request: '请各镇（街道）于每月5日前将上月传染病防控工作开展情况报市卫生健康局。',
    audience: ['towns', 'jyj'],
  },
];

/** What a request says and what its 批复 will answer, both decided when the request is written. */
interface RequestText {
  body: string;
  approvalBody: (addressee: string) => string;
}

interface RequestTopic {
  /** 'town' means any town or street with staff. */
  from: 'town' | (string & {});
  to: string;
  title: string;
  approvalTitle: string;
  write: (r: Random, self: string) => RequestText;
}

const REQUESTS: readonly RequestTopic[] = [
  {
    from: 'town',
    to: 'czj',
    title: '关于申请拨付防汛抢险应急资金的请示',
    approvalTitle: '关于同意拨付防汛抢险应急资金的批复',
    write: (r, self) => {
      const total = r.int(120, 400);
      const own = r.int(30, Math.floor(total / 3));
      const asked = total - own;
      const granted = r.chance(0.5) ? asked : Math.round(asked * r.decimal(0.6, 0.9, 2));
      return {
        body:
          `　　受近期持续强降雨影响，${self}部分河道堤岸出现坍塌，圩区排涝设施受损，急需组织抢修。` +
          `经初步测算，抢修工程共需资金${total}万元，${self}已自筹${own}万元，资金缺口较大。\n` +
          `　　为确保安全度汛，特申请市级防汛抢险应急资金${asked}万元。`,
        approvalBody: (you) =>
          `　　一、同意从市级防汛防台应急资金中安排${you}${granted}万元，专项用于水毁堤岸和排涝设施修复。\n` +
          '　　二、请严格按照资金管理有关规定，做到专款专用，并于工程完工后一个月内报送资金使用情况。',
      };
    },
  },
  {
    from: 'jyj',
    to: 'czj',
    title: '关于追加校园安保经费预算的请示',
    approvalTitle: '关于同意追加校园安保经费预算的批复',
    write: (r) => {
      const amount = r.int(80, 300);
      return {
        body:
          '　　为落实“护校安园”工作要求，需为全市中小学、幼儿园增配专职保安人员和一键报警装置，' +
          `相关经费未列入年初预算。\n　　经测算，共需经费${amount}万元，特申请追加本年度部门预算。`,
        approvalBody: (you) =>
          `　　一、同意追加${you}校园安保经费${amount}万元，列入本年度部门预算。\n` +
          '　　二、请按照政府采购有关规定组织实施，加快预算执行进度。',
      };
    },
  },
  {
    from: 'dsj',
    to: 'szfb',
    title: '关于政务云资源扩容的请示',
    approvalTitle: '关于同意政务云资源扩容的批复',
    write: (r) => {
      const usage = r.int(82, 93);
      return {
        body:
          `　　随着“一网通办”和公共数据平台业务量持续增长，现有政务云计算和存储资源使用率已达${usage}%，` +
          '难以满足新增业务系统上云需求。\n　　为保障全市政务信息系统稳定运行，拟对政务云资源进行扩容，新增计算资源400核、存储资源200TB。',
        approvalBody: () =>
          '　　一、原则同意政务云资源扩容方案，所需经费由市财政局按程序纳入部门预算统筹安排。\n' +
          '　　二、请同步做好网络安全等级保护和数据安全工作，确保平稳迁移。',
      };
    },
  },
  {
    from: 'wjj',
    to: 'czj',
    title: '关于申请疫苗冷链设备购置经费的请示',
    approvalTitle: '关于同意安排疫苗冷链设备购置经费的批复',
    write: (r) => {
      const amount = r.int(30, 90);
      return {
        body:
          '　　我市部分社区卫生服务中心的疫苗冷链设备已使用十年以上，温控精度下降，存在疫苗储存安全隐患。\n' +
          `　　为保障预防接种工作安全，特申请疫苗冷链设备购置经费${amount}万元。`,
        approvalBody: (you) =>
          `　　一、同意安排${you}疫苗冷链设备购置经费${amount}万元。\n　　二、请严格执行政府采购程序，做好资产登记管理。`,
      };
    },
  },
  {
    from: 'town',
    to: 'yjj',
    title: '关于增设防汛物资储备点的请示',
    approvalTitle: '关于同意增设防汛物资储备点的批复',
    write: (r, self) => {
      const village = r.pick(VILLAGES);
      return {
        body:
          `　　${self}${village}地势低洼，汛期易受内涝影响，现有物资储备点距离较远，难以满足就近抢险需要。\n` +
          `　　为提高应急处置能力，拟在${village}增设防汛物资储备点一处，储备编织袋、救生衣、移动水泵等物资。`,
        approvalBody: (you) =>
          `　　一、同意${you}在${village}增设防汛物资储备点。\n` +
          '　　二、请落实专人管理，建立物资台账，定期检查维护，确保关键时刻拿得出、用得上。',
      };
    },
  },
  {
    from: 'zgj',
    to: 'szfb',
    title: '关于启动城西片区详细规划修编工作的请示',
    approvalTitle: '关于同意启动城西片区详细规划修编工作的批复',
    write: () => ({
      body:
        '　　城西片区现行控制性详细规划已实施多年，与新一轮国土空间总体规划存在不衔接之处。\n' +
        '　　为适应片区发展需要，拟启动城西片区详细规划修编工作，计划年内完成规划成果编制。',
      approvalBody: () =>
        '　　一、同意启动城西片区详细规划修编工作。\n　　二、请充分征求相关镇（街道）和部门意见，依法做好公示和报批工作。',
    }),
  },
];

interface Csv {
  filename: string;
  rows: readonly (readonly (string | number)[])[];
}

interface ReportText {
  body: string;
  csv?: Csv;
}

interface ReportTopic {
  from: 'town' | (string & {});
  to: string;
  title: (self: string, unitName: string) => string;
  write: (r: Random, self: string, unitName: string) => ReportText;
}

const VILLAGES = ['金星村', '联合村', '新塘村', '光明村', '永福村', '红旗村', '双丰村', '东升村'];

const REPORTS: readonly ReportTopic[] = [
  {
    from: 'town',
    to: 'yjj',
    title: (_self, unitName) => `关于${unitName}汛期安全隐患排查整治情况的报告`,
    write: (r, self, unitName) => {
      const rows: (string | number)[][] = [['序号', '村（社区）', '隐患点位', '隐患类型', '整改措施', '整改状态']];
      const count = r.int(4, 8);
      let fixed = 0;
      for (let i = 1; i <= count; i++) {
        const done = r.chance(0.7);
        if (done) fixed++;
        rows.push([
          i,
          r.pick(VILLAGES),
          r.pick(['沿河堤岸', '低洼地带', '在建工地基坑', '地下车库', '老旧房屋', '山塘']),
          r.pick(['堤岸坍塌风险', '内涝积水', '基坑渗水', '房屋倒塌风险']),
          r.pick(['设置警示标志并加固', '配备移动排水泵', '落实专人巡查', '危险区域人员提前转移']),
          done ? '已整改' : '整改中',
        ]);
      }
      const checked = r.int(30, 90);
      return {
        body:
          `　　按照市防指统一部署，${self}近期开展了汛期安全隐患排查整治工作，现将有关情况报告如下。\n` +
          `　　一、基本情况。共排查点位${checked}处，发现隐患${count}处，已整改${fixed}处，其余正在整改中。\n` +
          '　　二、主要措施。落实“一点一策”，对未整改到位的隐患点设置警示标志，明确专人巡查，必要时提前转移人员。\n' +
          '　　三、下步工作。加强汛期值班值守，盯紧重点部位，确保安全度汛。',
        csv: { filename: `${unitName}防汛隐患排查整治情况.csv`, rows },
      };
    },
  },
  {
    from: 'czj-gkk',
    to: 'szfb',
    title: () => '关于前三季度财政收支情况的报告',
    write: (r) => {
      const rows: (string | number)[][] = [['科目', '年初预算（万元）', '累计执行（万元）', '执行率']];
      let budgetTotal = 0;
      let spentTotal = 0;
      for (const item of ['一般公共服务支出', '教育支出', '卫生健康支出', '公共安全支出', '节能环保支出', '农林水支出']) {
        const budget = r.int(20_000, 150_000);
        const spent = Math.round(budget * r.decimal(0.55, 0.85, 3));
        budgetTotal += budget;
        spentTotal += spent;
        rows.push([item, budget, spent, `${((spent / budget) * 100).toFixed(1)}%`]);
      }
      const rate = ((spentTotal / budgetTotal) * 100).toFixed(1);
      rows.push(['合计', budgetTotal, spentTotal, `${rate}%`]);
      return {
        body:
          `　　前三季度，全市一般公共预算收入同比增长${r.decimal(2, 7, 1)}%，收入质量总体平稳。\n` +
          `　　全市重点支出科目年初预算合计${budgetTotal}万元，累计执行${spentTotal}万元，预算执行率${rate}%。` +
          '教育、卫生健康等民生支出保障有力，防汛防台等应急支出及时到位。\n' +
          '　　下一步，我局将加强收入组织，加快预算执行进度，严控一般性支出。具体数据详见附件。',
        csv: { filename: '前三季度财政收支情况.csv', rows },
      };
    },
  },
  {
    from: 'jyj',
    to: 'szfb',
    title: () => '关于全市学校安全隐患排查情况的报告',
    write: (r) => {
      const rows: (string | number)[][] = [['学校', '检查项目', '发现问题（个）', '已整改（个）']];
      let found = 0;
      let fixed = 0;
      for (const school of r.sample(['硖石中心小学', '海洲中学', '许村镇中心小学', '长安镇中学', '袁花镇中心小学', '盐官镇幼儿园', '马桥中学'], 5)) {
        const problems = r.int(0, 6);
        const done = r.int(0, problems);
        found += problems;
        fixed += done;
        rows.push([school, r.pick(['消防设施', '校舍安全', '食堂食品安全', '周边交通安全']), problems, done]);
      }
      return {
        body:
          `　　按照市政府统一部署，市教育局组织开展了全市学校安全隐患排查，重点抽查学校5所，发现问题${found}个，已整改${fixed}个。\n` +
          '　　对尚未整改的问题，已下发整改通知书，明确整改责任人和整改时限，并将开展“回头看”。',
        csv: { filename: '学校安全隐患排查汇总.csv', rows },
      };
    },
  },
  {
    from: 'dsj-aqk',
    to: 'szfb',
    title: () => '关于政务网络安全检查情况的报告',
    write: (r) => {
      const rows: (string | number)[][] = [['序号', '系统名称', '责任单位', '问题描述', '风险等级', '整改时限']];
      const systems: readonly (readonly [string, string])[] = [
        ['政府门户网站', '市政府办公室'],
        ['协同办公系统', '市政府办公室'],
        ['政务邮件系统', '市大数据发展管理局'],
        ['预算管理一体化系统', '市财政局'],
        ['不动产登记系统', '市自然资源和规划局'],
        ['视频会议系统', '市大数据发展管理局'],
      ];
      const picked = r.sample(systems, r.int(3, 5));
      picked.forEach(([system, owner], i) => {
        rows.push([
          i + 1,
          system,
          owner,
          r.pick(['存在弱口令账号', '中间件版本过旧', '未开启登录失败锁定', '日志留存不足六个月', '存在未授权访问接口']),
          r.pick(['高', '中', '低']),
          r.pick(['立即整改', '15个工作日内', '30个工作日内']),
        ]);
      });
      return {
        body:
          `　　我局近期对全市重要政务信息系统开展了网络安全检查，共发现问题${picked.length}个，已逐一通知责任单位限期整改。\n` +
          '　　检查中发现，个别单位仍存在弱口令、系统补丁更新不及时等问题。建议各单位切实落实网络安全主体责任，定期开展自查。',
        csv: { filename: '网络安全检查问题清单.csv', rows },
      };
    },
  },
  {
    from: 'yjj-fxk',
    to: 'szfb',
    title: () => '关于防汛物资储备情况的报告',
    write: (r) => {
      const rows: (string | number)[][] = [['物资名称', '单位', '储备数量', '存放地点']];
      for (const [item, unit, min, max] of [
        ['编织袋', '只', 20_000, 60_000],
        ['救生衣', '件', 500, 2_000],
        ['冲锋舟', '艘', 5, 20],
        ['移动泵车', '台', 3, 12],
        ['发电机', '台', 10, 40],
        ['应急照明灯', '盏', 100, 400],
      ] as const) {
        rows.push([item, unit, r.int(min, max), r.pick(['市防汛物资仓库', '硖石街道物资储备点', '许村镇物资储备点', '袁花镇物资储备点'])]);
      }
      return {
        body:
          '　　为做好今年防汛防台抢险准备，我局对全市防汛物资储备情况进行了全面清查。目前市级防汛物资储备充足、状态良好，' +
          '各镇（街道）均已按要求落实物资储备点。\n　　物资储备明细详见附件。',
        csv: { filename: '防汛物资储备清单.csv', rows },
      };
    },
  },
  {
    from: 'town',
    to: 'czj',
    title: (_self, unitName) => `关于${unitName}预算执行情况的报告`,
    write: (r, self) => ({
      body:
        `　　截至目前，${self}一般公共预算支出完成年度预算的${r.decimal(60, 85, 1)}%，基本达到序时进度。\n` +
        `　　一是严格执行过紧日子要求，一般性支出同比下降${r.int(5, 12)}%；二是优先保障防汛防台、民生等重点支出；` +
        '三是对执行进度偏慢的项目逐一分析原因，督促加快实施。',
    }),
  },
  {
    from: 'wjj',
    to: 'szfb',
    title: () => '关于全市流感疫苗接种进展情况的报告',
    write: (r) => ({
      body:
        `　　今年流感疫苗接种工作启动以来，全市累计接种${r.decimal(3, 8, 1)}万剂次，其中60岁以上老年人${r.decimal(1, 3, 1)}万剂次。\n` +
        '　　下一步，我局将会同各镇（街道）加强宣传动员，进一步提高重点人群接种率。',
    }),
  },
];

const REPLY_LINES: Readonly<Record<DemoMessageKind, readonly ((me: DemoPerson) => string)[]>> = {
  meeting: [
    (me) => `收到，我单位将安排${me.name}准时参会。`,
    () => '收到，参会回执已按要求填报，届时准时参会。',
    () => '收到，已向单位领导报告，将按要求做好会议准备。',
  ],
  forward: [() => '收到，我们将认真贯彻落实，并按时报送落实情况。', () => '已收到，已转发各村（社区）和有关科室抓好落实。'],
  briefing: [() => '简报已阅，相关经验做法我们将学习借鉴。', () => '已阅，谢谢！'],
  report: [() => '报告收悉，请继续做好跟踪落实，重要情况及时报告。', () => '收到，相关情况已向分管领导汇报。'],
  request: [() => '请示已收悉，我们正在研究办理，有进展将及时反馈。'],
  approval: [() => '批复收悉，我们将严格按照要求抓好落实。', () => '收到，谢谢！'],
  reply: [() => '好的，谢谢！', () => '收到。', () => '明白，按此执行。'],
};

const WEEKDAYS = ['一', '二', '三', '四', '五'];

// ---------------------------------------------------------------------------------------------
// Drafting messages (content only: no dates)

interface Attachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

interface Draft {
  kind: DemoMessageKind;
  from: DemoPerson;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  /** The text minus any quoted original: what a reply quotes in turn. */
  quotable: string;
  html?: string;
  attachments: Attachment[];
  importance: 'confirm' | null;
  classification: '内部' | '公开' | null;
  parent: number | null;
}

interface PendingApproval {
  request: number;
  topic: RequestTopic;
  approvalBody: (addressee: string) => string;
}

class Drafter {
  readonly drafts: Draft[] = [];
  private readonly pending: PendingApproval[] = [];
  private readonly briefingIssue = new Map<string, number>();
  private readonly towns: string[];
  private readonly bureaus: string[];

  constructor(
    private readonly r: Random,
    private readonly dir: Directory,
  ) {
    const staffed = (code: string) => dir.people.some((p) => isDescendantOrSelf(dir.unitByCode, p.unitCode, code));
    const top = dir.units.filter((u) => u.parentCode === ROOT && staffed(u.code));
    this.towns = top.filter((u) => isTown(u)).map((u) => u.code);
    this.bureaus = top.filter((u) => !isTown(u) && u.code !== 'szfb').map((u) => u.code);
  }

  draft(): Draft {
    const r = this.r;
    const roll = r.next();
    let draft: Draft | null = null;
    if (this.pending.length > 0 && roll < 0.08) draft = this.approval();
    else if (this.drafts.length >= 3 && roll < 0.32) draft = this.reply();
    if (!draft) {
      const kind = r.pick(['meeting', 'meeting', 'briefing', 'forward', 'request', 'report', 'report'] as const);
      if (kind === 'meeting') draft = this.meeting();
      else if (kind === 'briefing') draft = this.briefing();
      else if (kind === 'forward') draft = this.forward();
      else if (kind === 'request') draft = this.request();
      else draft = this.report();
    }
    this.drafts.push(draft);
    return draft;
  }

  // — the kinds —

  private meeting(): Draft {
    const r = this.r;
    const topic = r.pick(MEETINGS);
    const from = this.memberOf(topic.unit);
    const when = `下周${r.pick(WEEKDAYS)}${r.pick(['上午9:00', '上午9:30', '下午2:00', '下午2:30'])}`;
    const confirm = r.chance(0.4);
    const receipt = r.chance(0.35);
    const lines = [
      '各有关单位：',
      `　　经研究，定于${when}在${r.pick(PLACES)}召开${topic.title}。现将有关事项通知如下：`,
      `　　一、参会人员：${topic.attendees}。`,
      '　　二、会议内容：',
      ...topic.agenda.map((item, i) => `　　${i + 1}. ${item}${i === topic.agenda.length - 1 ? '。' : '；'}`),
      '　　三、有关要求：',
      '　　1. 请参会人员提前10分钟到场签到，会议期间手机调至静音；',
      `　　2. 请各单位于会前一天下午5点前将参会人员名单报${this.fullName(topic.unit)}${receipt ? '（回执见附件）' : ''}；`,
      '　　3. 因故不能参会的，须向会议主办单位请假。',
    ];
    if (confirm) lines.push('', '　　本邮件为重要通知，请收到后及时点击“确认收到”。');
    lines.push('', `联系人：${from.name}，办公电话（短号）：${r.int(660_000, 669_999)}`);
    const attachments = receipt
      ? [csvAttachment({ filename: `${topic.title}参会回执.csv`, rows: [['单位', '姓名', '职务', '手机号码', '备注'], ['', '', '', '', '']] })]
      : [];
    return this.fresh('meeting', from, {
      to: this.audience(topic.audience, from),
      cc: this.leaderCc(from),
      subject: `关于召开${topic.title}的通知`,
      body: lines.join('\n'),
      attachments,
      importance: confirm ? 'confirm' : null,
      classification: r.chance(0.6) ? '内部' : null,
    });
  }

  private briefing(): Draft {
    const r = this.r;
    const pool = [...this.towns.slice(0, 3), 'czj', 'yjj', 'jyj', 'wjj', 'dsj', 'szfb'];
    const unit = r.pick(pool);
    const from = this.memberOf(unit);
    const unitName = this.fullName(unit);
    const issue = (this.briefingIssue.get(unit) ?? r.int(8, 30)) + 1;
    this.briefingIssue.set(unit, issue);
    const items = BRIEFING_ITEMS[unit] ?? BRIEFING_ITEMS['town'] ?? [];
    const lines = r.sample(items, 3).map((fill) => fill(r, this.dir.unitByCode.get(unit)?.name ?? unitName));
    const nextStep = r.pick(BRIEFING_NEXT_STEPS);
    const title = `${unitName}工作简报`;
    const body = [
      `${title}`,
      `（第${issue}期）`,
      '',
      '一、工作动态',
      ...lines.map((line, i) => `　　${i + 1}. ${line}`),
      '',
      '二、下步打算',
      `　　${nextStep}`,
    ].join('\n');
    const html =
      '<div style="font-family:SimSun,serif;max-width:640px">' +
      `<h2 style="text-align:center;color:#c00000;letter-spacing:4px">${escapeHtml(title)}</h2>` +
      `<p style="text-align:center">（第${issue}期）</p><hr style="border:0;border-top:2px solid #c00000">` +
      '<h3>一、工作动态</h3><ol>' +
      lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('') +
      `</ol><h3>二、下步打算</h3><p style="text-indent:2em">${escapeHtml(nextStep)}</p>` +
      `<p style="color:#666">${escapeHtml(this.signature(from).trim()).replace(/\n/g, '<br>')}</p></div>`;
    const to = [this.dir.unitAddress('szfb')];
    const cc = this.listOf(unit);
    return this.fresh('briefing', from, {
      to,
      cc: cc ? [cc] : [],
      subject: `${title}（第${issue}期）`,
      body,
      html,
      attachments: [],
      importance: null,
      classification: r.chance(0.5) ? '公开' : null,
    });
  }

  private forward(): Draft {
    const r = this.r;
    const topic = r.pick(FORWARDS);
    const from = this.memberOf(topic.unit);
    const notice = [topic.title, '', `${topic.addressee}：`, ...topic.paragraphs.map((p) => `　　${p}`), '', topic.issuer];
    const attachment = r.chance(0.4)
      ? { filename: `${topic.title}.pdf`, content: tinyPdf(notice), contentType: 'application/pdf' }
      : { filename: `${topic.title}.txt`, content: Buffer.from(notice.join('\r\n'), 'utf8'), contentType: 'text/plain; charset=utf-8' };
    const body = [
      `${topic.salutation}：`,
      `　　现将${topic.issuer}《${topic.title}》转发给你们，请结合实际认真贯彻执行。${topic.request}`,
      '',
      `附件：${attachment.filename}`,
    ].join('\n');
    const urgent = topic.title.includes('紧急');
    return this.fresh('forward', from, {
      to: this.audience(topic.audience, from),
      cc: this.leaderCc(from),
      subject: `转发${topic.issuer}《${topic.title}》`,
      body,
      attachments: [attachment],
      importance: urgent || r.chance(0.2) ? 'confirm' : null,
      classification: r.pick(['公开', '内部', null] as const),
    });
  }

  private request(): Draft {
    const r = this.r;
    const topic = r.pick(REQUESTS);
    const unit = topic.from === 'town' ? r.pick(this.towns) : topic.from;
    const from = this.memberOf(unit);
    const text = topic.write(r, selfReference(this.dir.unitByCode.get(unit)));
    const body = [`${this.addresseeName(topic.to)}：`, text.body, '　　妥否，请批示。', '', this.fullName(unit)].join('\n');
    const index = this.drafts.length;
    this.pending.push({ request: index, topic, approvalBody: text.approvalBody });
    return this.fresh('request', from, {
      to: [this.dir.unitAddress(topic.to)],
      cc: this.leaderCc(from),
      subject: topic.title,
      body,
      attachments: [],
      importance: r.chance(0.2) ? 'confirm' : null,
      classification: r.chance(0.7) ? '内部' : null,
    });
  }

  private report(): Draft {
    const r = this.r;
    const topic = r.pick(REPORTS);
    const unit = topic.from === 'town' ? r.pick(this.towns) : topic.from;
    const from = this.memberOf(unit);
    const known = this.dir.unitByCode.get(unit);
    const unitName = known?.name ?? unit;
    const text = topic.write(r, selfReference(known), unitName);
    const attachments = text.csv ? [csvAttachment(text.csv)] : [];
    const body = [
      `${this.addresseeName(topic.to)}：`,
      text.body,
      '　　特此报告。',
      '',
      ...attachments.flatMap((a) => [`附件：${a.filename}`, '']),
      // A section drafts the report, but its bureau signs it.
      this.fullName(topLevelUnit(this.dir.unitByCode, unit)),
    ].join('\n');
    return this.fresh('report', from, {
      to: [this.dir.unitAddress(topic.to)],
      cc: this.leaderCc(from),
      subject: topic.title(selfReference(known), unitName),
      body,
      attachments,
      importance: null,
      classification: r.chance(0.6) ? '内部' : null,
    });
  }

  private approval(): Draft | null {
    const r = this.r;
    const [pending] = this.pending.splice(r.int(0, this.pending.length - 1), 1);
    if (!pending) return null;
    const request = this.drafts[pending.request];
    if (!request) return null;
    const approverUnit = pending.topic.to;
    const from = this.leaderOf(approverUnit) ?? this.memberOf(approverUnit);
    const requester = this.dir.unitByCode.get(request.from.unitCode);
    const you = youReference(requester);
    const body = [
      `${this.fullName(request.from.unitCode)}：`,
      `　　${you}《${pending.topic.title}》收悉。经研究，现批复如下：`,
      pending.approvalBody(you),
      '　　此复。',
      '',
      this.fullName(approverUnit),
    ].join('\n');
    return this.threaded('approval', from, pending.request, {
      to: [request.from.address],
      cc: [],
      subject: pending.topic.approvalTitle,
      body,
      importance: null,
      classification: request.classification,
    });
  }

  private reply(): Draft | null {
    const r = this.r;
    // Replies come soon after what they answer, as in a real inbox.
    const first = Math.max(0, this.drafts.length - 40);
    const parentIndex = r.int(first, this.drafts.length - 1);
    const parent = this.drafts[parentIndex];
    if (!parent) return null;
    const candidates = uniquePeople(parent.to.flatMap((a) => this.dir.reach.get(a) ?? [])).filter((p) => p.address !== parent.from.address);
    if (candidates.length === 0) return null;
    const from = r.pick(candidates);
    const line = r.pick(REPLY_LINES[parent.kind])(from);
    const quote = [
      '',
      '',
      '------------------ 原始邮件 ------------------',
      `发件人：${parent.from.name} <${parent.from.address}>`,
      `主题：${parent.subject}`,
      '',
      ...parent.quotable.split('\n').slice(0, 8),
    ].join('\n');
    return this.threaded('reply', from, parentIndex, {
      to: [parent.from.address],
      cc: [],
      subject: `Re: ${parent.subject.replace(/^(?:(?:re|回复)[:：]\s*)+/i, '')}`,
      body: line,
      quote,
      importance: null,
      classification: parent.classification,
    });
  }

  // — assembling —

  private fresh(
    kind: DemoMessageKind,
    from: DemoPerson,
    parts: Pick<Draft, 'to' | 'cc' | 'subject' | 'attachments' | 'importance' | 'classification' | 'html'> & { body: string },
  ): Draft {
    const quotable = `${parts.body}${this.signature(from)}`;
    return {
      kind,
      from,
      to: parts.to,
      cc: parts.cc.filter((a) => !parts.to.includes(a)),
      subject: parts.subject,
      text: quotable,
      quotable,
      ...(parts.html === undefined ? {} : { html: parts.html }),
      attachments: parts.attachments,
      importance: parts.importance,
      classification: parts.classification,
      parent: null,
    };
  }

  private threaded(
    kind: DemoMessageKind,
    from: DemoPerson,
    parent: number,
    parts: Pick<Draft, 'to' | 'cc' | 'subject' | 'importance' | 'classification'> & { body: string; quote?: string },
  ): Draft {
    const quotable = `${parts.body}${this.signature(from)}`;
    return {
      kind,
      from,
      to: parts.to,
      cc: parts.cc,
      subject: parts.subject,
      text: `${quotable}${parts.quote ?? ''}`,
      quotable,
      attachments: [],
      importance: parts.importance,
      classification: parts.classification,
      parent,
    };
  }

  // — the directory, as the drafter sees it —

  private fullName(code: string): string {
    return unitFullName(this.dir.unitByCode, code);
  }

  /** 请示 and 报告 meant for the government are addressed to it, though its office receives them. */
  private addresseeName(code: string): string {
    return this.fullName(code === 'szfb' ? ROOT : code);
  }

  private signature(person: DemoPerson): string {
    return `\n\n${person.name}\n${this.fullName(person.unitCode)}　${person.title}`;
  }

  private membersOf(code: string): DemoPerson[] {
    return this.dir.people.filter((p) => isDescendantOrSelf(this.dir.unitByCode, p.unitCode, code));
  }

  private memberOf(code: string): DemoPerson {
    return this.r.pick(this.membersOf(code));
  }

  private leaderOf(code: string): DemoPerson | undefined {
    const leaders = this.membersOf(code).filter(isLeader);
    return leaders.length > 0 ? this.r.pick(leaders) : undefined;
  }

  /** Half the time, copy a leader of the sender's top-level unit. */
  private leaderCc(from: DemoPerson): string[] {
    if (!this.r.chance(0.5)) return [];
    const top = topLevelUnit(this.dir.unitByCode, from.unitCode);
    const leader = this.leaderOf(top);
    return leader && leader.address !== from.address ? [leader.address] : [];
  }

  private listOf(code: string): string | undefined {
    return this.dir.lists.find((l) => l.unitCode === code)?.address;
  }

  private audience(groups: readonly Audience[], from: DemoPerson): string[] {
    const codes = groups.flatMap((g) => (g === 'towns' ? this.towns : g === 'bureaus' ? this.bureaus : [g]));
    const senderTop = topLevelUnit(this.dir.unitByCode, from.unitCode);
    const addresses = codes
      .filter((code) => code !== senderTop)
      .map((code) => this.listOf(code))
      .filter((a): a is string => a !== undefined);
    return [...new Set(addresses)];
  }
}

function isTown(unit: DemoUnit): boolean {
  return unit.parentCode === ROOT && (unit.name.endsWith('镇') || unit.name.endsWith('街道'));
}

/** 科长 and up, 主任 of an office, 镇长: the people who sign things. */
function isLeader(person: DemoPerson): boolean {
  return /局长|主任|镇长|科长/.test(person.title);
}

function topLevelUnit(units: Map<string, DemoUnit>, code: string): string {
  let current = code;
  for (let parent = units.get(current)?.parentCode; parent && parent !== ROOT; parent = units.get(current)?.parentCode) current = parent;
  return current;
}

/** How a unit refers to itself in a document: 我镇, 我街道, 我局, 我科. */
function selfReference(unit: DemoUnit | undefined): string {
  return `我${unitKindWord(unit)}`;
}

/** How a reply addresses the unit it answers: 你镇, 你街道, 你局. */
function youReference(unit: DemoUnit | undefined): string {
  return `你${unitKindWord(unit)}`;
}

function unitKindWord(unit: DemoUnit | undefined): string {
  const name = unit?.name ?? '';
  for (const word of ['街道', '镇', '局', '科', '办公室']) if (name.endsWith(word)) return word === '办公室' ? '办' : word;
  return '单位';
}

function uniquePeople(people: DemoPerson[]): DemoPerson[] {
  return [...new Map(people.map((p) => [p.address, p])).values()];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------------------------------------
// Attachments

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a UTF-8 BOM, without which Excel on Chinese Windows reads it as GBK. */
function csvAttachment(csv: Csv): Attachment {
  const text = csv.rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
  return { filename: csv.filename, content: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), contentType: 'text/csv; charset=utf-8' };
}

/** Full-width characters per line on A4 at 12pt with 72pt margins. */
const PDF_LINE_CHARS = 36;

/**
 * A one-page PDF 1.4 with Chinese text and no embedded font: STSong-Light with the
 * UniGB-UCS2-H CMap is one of the Adobe CJK fonts every conforming reader substitutes
 * (ISO 32000-1 §9.7.5.2), so the file stays a few kilobytes. Strings are UCS-2BE hex.
 */
function tinyPdf(lines: readonly string[]): Buffer {
  const hex = (text: string): string => {
    let out = '';
    for (const ch of text) {
      const code = ch.codePointAt(0) ?? 0x3f;
      out += (code > 0xffff ? 0x3f : code).toString(16).padStart(4, '0');
    }
    return `<${out}>`;
  };
  const wrapped = lines.flatMap((line) => wrap(line, PDF_LINE_CHARS));
  const [title = '', ...rest] = wrapped;
  const content = [
    'BT',
    '/F1 16 Tf',
    `1 0 0 1 ${Math.max(72, Math.round(297.5 - title.length * 8))} 770 Tm`,
    `${hex(title)} Tj`,
    '/F1 12 Tf',
    '18 TL',
    '1 0 0 1 72 740 Tm',
    ...rest.map((line) => `${hex(line)} Tj T*`),
    'ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R >>',
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 6 0 R /DW 1000 /W [1 95 500] >>',
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ];
  // The content is pure ASCII (hex strings), so string length equals byte length for offsets.
  let pdf = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** Breaks a line every `width` full-width characters (ASCII counts half). */
function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of line) {
    const w = ch.charCodeAt(0) < 0x80 ? 0.5 : 1;
    if (used + w > width) {
      out.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += w;
  }
  out.push(current);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dates

/**
 * `count` instants on working days (Mon–Fri) in office hours, Asia/Shanghai, within the
 * SPAN_DAYS before `now`, ascending. Public holidays are ignored: it is a demo.
 */
function officeHourDates(r: Random, count: number, now: Date): number[] {
  const nowMs = now.getTime();
  // Midnight of today in Shanghai, on a clock shifted by +8h so UTC getters read local time.
  const todayLocal = Math.floor((nowMs + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS;
  const out: number[] = [];
  while (out.length < count) {
    const dayLocal = todayLocal - r.int(0, SPAN_DAYS - 1) * DAY_MS;
    const minute = r.int(0, MORNING_MINUTES + AFTERNOON_MINUTES - 1);
    const second = r.int(0, 59);
    const weekday = new Date(dayLocal).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const minuteOfDay = minute < MORNING_MINUTES ? MORNING_START_MIN + minute : AFTERNOON_START_MIN + minute - MORNING_MINUTES;
    const instant = dayLocal + minuteOfDay * 60_000 + second * 1000 - SHANGHAI_OFFSET_MS;
    if (instant > nowMs) continue;
    out.push(instant);
  }
  return out.sort((a, b) => a - b);
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in the sender's zone, +0800, as Chinese mail clients write it. */
function shanghaiDateHeader(ms: number): string {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAY_NAMES[d.getUTCDay()] ?? ''}, ${two(d.getUTCDate())} ${MONTH_NAMES[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0800`
  );
}

// ---------------------------------------------------------------------------------------------
// Composing

function messageIdFor(seed: number, index: number, domain: string): string {
  return `<demo.${seed.toString(36)}.${String(index + 1).padStart(4, '0')}@${domain}>`;
}

async function compose(draft: Draft, meta: { messageId: string; references: string[]; date: number; boundary: string }, dir: Directory): Promise<Buffer> {
  const address = (a: string) => ({ name: dir.displayName.get(a) ?? '', address: a });
  const headers: Record<string, string | { prepared: boolean; value: string }> = {};
  if (draft.importance) headers['X-Govmail-Importance'] = draft.importance;
  // Written as raw UTF-8 (RFC 6532), not as an RFC 2047 encoded-word: mailparser decodes
  // encoded-words only in the headers it knows, and would hand `=?UTF-8?B?…?=` to us as is.
  if (draft.classification) headers['X-Govmail-Classification'] = { prepared: true, value: draft.classification };
  const parentId = meta.references.at(-1);
  const composer = new MailComposer({
    from: address(draft.from.address),
    to: draft.to.map(address),
    ...(draft.cc.length > 0 ? { cc: draft.cc.map(address) } : {}),
    subject: draft.subject,
    messageId: meta.messageId,
    date: shanghaiDateHeader(meta.date),
    ...(parentId ? { inReplyTo: parentId, references: meta.references } : {}),
    text: draft.text,
    ...(draft.html === undefined ? {} : { html: draft.html }),
    attachments: draft.attachments,
    headers,
    baseBoundary: meta.boundary,
    // RFC 5322 §2.1: lines end in CRLF, whatever the text was written with.
    newline: 'win',
  });
  return composer.compile().build();
}

// ---------------------------------------------------------------------------------------------
// The entry point

export async function buildDemoCity(options: DemoCityOptions = {}): Promise<DemoCity> {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const count = options.messageCount ?? DEMO_DEFAULTS.messageCount;
  const domain = (options.domain ?? DEMO_DEFAULTS.domain).toLowerCase();
  const now = options.now ?? new Date();
  if (!Number.isSafeInteger(seed)) throw new RangeError(`demo seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`demo messageCount must be a non-negative integer, got ${count}`);
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) throw new RangeError(`demo domain is not a domain name: ${domain}`);
  if (Number.isNaN(now.getTime())) throw new RangeError('demo now is not a valid date');

  const dir = buildDirectory(domain);
  // Two streams: content never depends on `now`, however many dates get redrawn.
  const content = new Random(seed);
  const clock = new Random(seed ^ 0x5f3759df);
  const drafter = new Drafter(content, dir);
  for (let i = 0; i < count; i++) drafter.draft();
  const dates = officeHourDates(clock, count, now);

  const ids = drafter.drafts.map((_, i) => messageIdFor(seed, i, domain));
  const references: string[][] = [];
  const messages: DemoMessage[] = [];
  for (const [i, draft] of drafter.drafts.entries()) {
    const parentId = draft.parent === null ? undefined : ids[draft.parent];
    references.push(draft.parent === null || parentId === undefined ? [] : [...(references[draft.parent] ?? []), parentId]);
    const date = dates[i] ?? now.getTime();
    const messageId = ids[i] ?? messageIdFor(seed, i, domain);
    const raw = await compose(draft, { messageId, references: references[i] ?? [], date, boundary: `demo${seed.toString(36)}x${i}` }, dir);
    messages.push({
      kind: draft.kind,
      messageId,
      inReplyTo: parentId ?? null,
      subject: draft.subject,
      from: draft.from.address,
      to: draft.to,
      cc: draft.cc,
      date: new Date(date),
      raw,
    });
  }

  // Two staff members to read and write mail, and one holder of each console role to try the
  // governance side (the unit admin's queue, the security officer's desk, the auditor's view).
  const staff = dir.people.filter((p) => p.roles.length === 1 && p.roles[0] === 'staff').slice(0, 2);
  const roleHolders = (['unit_admin', 'security_officer', 'auditor'] as const).flatMap((role) => dir.people.filter((p) => p.roles.includes(role)).slice(0, 1));
  const demoUsers = [...staff, ...roleHolders];
  return { domain, units: dir.units, people: dir.people, aliases: dir.aliases, lists: dir.lists, messages, demoUsers };
}
