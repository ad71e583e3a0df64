/**
 * Dangerous attachments (SPEC 4.2), judged by content and by name, and inside ZIP archives
 * (the central directory is listed in memory; nothing is extracted to disk):
 *   content  PE (MZ), ELF, Mach-O, Windows shortcut (.lnk header), HTA/script text, OLE/OOXML
 *            with a VBA project (macros);
 *   name     executable and script extensions, double extensions (`通知.pdf.exe`), and the
 *            right-to-left override (U+202E) and other bidi controls that disguise an extension;
 *   type     macro-enabled Office types (.docm/.xlsm/.pptm, application/vnd.ms-*.macroenabled*).
 * Any of these quarantines the message.
 */
import { zipEntries, ZipError } from '../outbound/zip-entries.js';
import { finding, type InboundFinding } from './verdict.js';
import type { InboundAttachment } from './inbound-message.js';

export const EXECUTABLE_EXTENSIONS = new Set([
  'exe', 'com', 'scr', 'pif', 'cpl', 'msi', 'msp', 'msc', 'dll', 'sys', 'drv', 'ocx', 'bat', 'cmd', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'ws',
  'ps1', 'psm1', 'psd1', 'hta', 'lnk', 'reg', 'inf', 'scf', 'jar', 'apk', 'app', 'elf', 'run', 'sh', 'iso', 'img', 'vhd', 'vhdx', 'chm', 'gadget', 'appref-ms', 'url', 'xll', 'application',
]);
const MACRO_EXTENSIONS = new Set(['docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'pptm', 'potm', 'ppsm', 'sldm']);
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/;

/** What the first bytes say the content is, or null for nothing dangerous. */
export function dangerousContent(content: Buffer): string | null {
  if (content.length >= 2 && content[0] === 0x4d && content[1] === 0x5a) return 'Windows 可执行文件 (PE/MZ)';
  if (content.length >= 4 && content.readUInt32BE(0) === 0x7f454c46) return 'Linux 可执行文件 (ELF)';
  if (content.length >= 4) {
    const magic = content.readUInt32BE(0);
    if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return 'macOS 可执行文件 (Mach-O)';
  }
  if (content.length >= 20 && content.readUInt32LE(0) === 0x4c && content.subarray(4, 20).equals(Buffer.from('0114020000000000c000000000000046', 'hex'))) return 'Windows 快捷方式 (.lnk)';
  const head = content.subarray(0, 512).toString('latin1').toLowerCase();
  if (head.startsWith('#!')) return '脚本 (#!)';
  if (/<hta:application/.test(content.subarray(0, 4096).toString('latin1').toLowerCase())) return 'HTML 应用程序 (HTA)';
  // OLE2 compound file (legacy Office) with a VBA storage, or a bare one named in the directory.
  if (content.length >= 8 && content.readUInt32BE(0) === 0xd0cf11e0 && (content.includes(Buffer.from('_VBA_PROJECT', 'utf16le')) || content.includes(Buffer.from('VBA', 'utf16le')))) return '含宏的 Office 文档 (VBA)';
  return null;
}

/** Why a file name is dangerous, or null. */
export function dangerousName(name: string): string | null {
  if (BIDI.test(name)) return '文件名含方向控制字符（伪装扩展名）';
  const clean = name.trim().replace(/[.\s]+$/, '').toLowerCase();
  const parts = clean.split('.');
  if (parts.length < 2) return null;
  const ext = parts[parts.length - 1]!;
  if (EXECUTABLE_EXTENSIONS.has(ext)) {
    if (parts.length >= 3 && /^(pdf|docx?|xlsx?|pptx?|txt|jpe?g|png|gif|zip|rar|wps|et|ofd|html?)$/.test(parts[parts.length - 2]!)) return `双扩展名可执行文件 (.${parts[parts.length - 2]}.${ext})`;
    return `可执行文件或脚本 (.${ext})`;
  }
  if (MACRO_EXTENSIONS.has(ext)) return `启用宏的 Office 文档 (.${ext})`;
  return null;
}

function isZip(a: InboundAttachment): boolean {
  return a.content.length >= 4 && a.content.readUInt32LE(0) === 0x04034b50;
}

function inspectOne(a: InboundAttachment, depth: number): string[] {
  const reasons: string[] = [];
  const label = a.filename || '(无名附件)';
  const byName = a.filename ? dangerousName(a.filename) : null;
  if (byName) reasons.push(`${label}: ${byName}`);
  const byContent = dangerousContent(a.content);
  if (byContent) reasons.push(`${label}: 内容为${byContent}`);
  if (/macroenabled|vnd\.ms-excel\.addin|x-msdownload|x-msdos-program|x-ms-shortcut|hta/.test(a.contentType)) reasons.push(`${label}: 类型 ${a.contentType}`);
  if (isZip(a) && depth < 2) {
    try {
      const entries = zipEntries(a.content);
      // Office Open XML with a VBA project is a macro document whatever its name says.
      if (entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.name))) reasons.push(`${label}: 含宏 (vbaProject.bin)`);
      for (const entry of entries) {
        const inner = dangerousName(entry.name.split('/').pop() ?? entry.name);
        if (inner) reasons.push(`${label} → ${entry.name}: ${inner}`);
      }
    } catch (err) {
      if (!(err instanceof ZipError)) throw err;
    }
  }
  return reasons;
}

export function attachmentFindings(attachments: readonly InboundAttachment[]): InboundFinding[] {
  const reasons = attachments.flatMap((a) => inspectOne(a, 0));
  if (reasons.length === 0) return [];
  return [finding('dangerous-attachment', 'quarantine', 0, `危险附件：${reasons.slice(0, 5).join('；')}`, { reasons: reasons.slice(0, 20) })];
}
