/**
 * A small rich-text editor: a contentEditable area with bold, italic, underline, lists and
 * links (document.execCommand — deprecated in name, still what every browser implements for
 * editing, and no new dependency). The server sanitises what it receives (the compose policy of
 * html-policy.ts), so this editor keeps to simple markup; pasting inserts plain text, so a page
 * copied from elsewhere brings neither its styles nor its remote images.
 *
 * Uncontrolled: `initialHtml` is read when the editor mounts (remount with a new `key` to load
 * other content); every edit reports the HTML through `onChange`.
 */
import { BoldOutlined, ClearOutlined, ItalicOutlined, LinkOutlined, OrderedListOutlined, UnderlineOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal, Tooltip } from 'antd';
import { useCallback, useEffect, useId, useRef, useState, type ClipboardEvent, type ReactNode } from 'react';
import { useI18n, type MessageKey } from '../i18n/index.js';

type Command = 'bold' | 'italic' | 'underline' | 'insertOrderedList' | 'insertUnorderedList';

const TOOLS: { command: Command; label: MessageKey; icon: ReactNode }[] = [
  { command: 'bold', label: 'editor.bold', icon: <BoldOutlined /> },
  { command: 'italic', label: 'editor.italic', icon: <ItalicOutlined /> },
  { command: 'underline', label: 'editor.underline', icon: <UnderlineOutlined /> },
  { command: 'insertOrderedList', label: 'editor.orderedList', icon: <OrderedListOutlined /> },
  { command: 'insertUnorderedList', label: 'editor.bulletList', icon: <UnorderedListOutlined /> },
];

const SAFE_LINK = /^(?:https?:\/\/|mailto:)\S+$/i;

export interface RichTextEditorProps {
  initialHtml: string;
  onChange(html: string): void;
  label: string;
  /** id of the element that labels the editor, when there is a visible label. */
  labelledBy?: string;
  minHeight?: number;
  editorRef?: (element: HTMLDivElement | null) => void;
}

export function RichTextEditor({ initialHtml, onChange, label, labelledBy, minHeight = 240, editorRef }: RichTextEditorProps) {
  const { t } = useI18n();
  const area = useRef<HTMLDivElement | null>(null);
  const savedRange = useRef<Range | null>(null);
  const [active, setActive] = useState<Partial<Record<Command, boolean>>>({});
  const [linkOpen, setLinkOpen] = useState(false);
  const [linkUrl, setLinkUrl] = useState('https://');
  const [linkError, setLinkError] = useState<string | null>(null);
  const toolbarId = useId();

  useEffect(() => {
    if (area.current) area.current.innerHTML = initialHtml;
    // Read once (no dependency on initialHtml): the editor owns its content from here on.
  }, []);

  const report = useCallback(() => {
    if (area.current) onChange(area.current.innerHTML);
  }, [onChange]);

  const refreshState = useCallback(() => {
    const selection = document.getSelection();
    if (!selection || !area.current || !area.current.contains(selection.anchorNode)) return;
    const next: Partial<Record<Command, boolean>> = {};
    for (const tool of TOOLS) next[tool.command] = document.queryCommandState(tool.command);
    setActive(next);
  }, []);

  useEffect(() => {
    document.addEventListener('selectionchange', refreshState);
    return () => document.removeEventListener('selectionchange', refreshState);
  }, [refreshState]);

  const run = (command: string, value?: string) => {
    area.current?.focus();
    document.execCommand(command, false, value);
    refreshState();
    report();
  };

  const onPaste = (event: ClipboardEvent<HTMLDivElement>) => {
    event.preventDefault();
    document.execCommand('insertText', false, event.clipboardData.getData('text/plain'));
    report();
  };

  const openLink = () => {
    const selection = document.getSelection();
    savedRange.current = selection && selection.rangeCount > 0 && area.current?.contains(selection.anchorNode) ? selection.getRangeAt(0).cloneRange() : null;
    setLinkUrl('https://');
    setLinkError(null);
    setLinkOpen(true);
  };

  const insertLink = () => {
    const url = linkUrl.trim();
    if (!SAFE_LINK.test(url)) {
      setLinkError(t('editor.linkInvalid'));
      return;
    }
    setLinkOpen(false);
    area.current?.focus();
    const selection = document.getSelection();
    if (savedRange.current && selection) {
      selection.removeAllRanges();
      selection.addRange(savedRange.current);
    }
    if (selection && selection.isCollapsed) document.execCommand('insertText', false, url);
    if (selection && selection.rangeCount > 0 && selection.isCollapsed) {
      // The URL just typed: select it back so it becomes the link text.
      const range = selection.getRangeAt(0);
      range.setStart(range.startContainer, Math.max(0, range.startOffset - url.length));
      selection.removeAllRanges();
      selection.addRange(range);
    }
    document.execCommand('createLink', false, url);
    report();
  };

  return (
    <div className="editor">
      <div className="editor-toolbar" role="toolbar" aria-label={t('editor.toolbar')} aria-controls={toolbarId}>
        {TOOLS.map((tool) => (
          <Tooltip key={tool.command} title={t(tool.label)}>
            <Button
              type={active[tool.command] ? 'primary' : 'text'}
              size="small"
              icon={tool.icon}
              aria-label={t(tool.label)}
              aria-pressed={Boolean(active[tool.command])}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => run(tool.command)}
            />
          </Tooltip>
        ))}
        <Tooltip title={t('editor.link')}>
          <Button type="text" size="small" icon={<LinkOutlined />} aria-label={t('editor.link')} onMouseDown={(e) => e.preventDefault()} onClick={openLink} />
        </Tooltip>
        <Tooltip title={t('editor.clear')}>
          <Button type="text" size="small" icon={<ClearOutlined />} aria-label={t('editor.clear')} onMouseDown={(e) => e.preventDefault()} onClick={() => run('removeFormat')} />
        </Tooltip>
      </div>
      <div
        id={toolbarId}
        ref={(element) => {
          area.current = element;
          editorRef?.(element);
        }}
        className="editor-area"
        contentEditable
        suppressContentEditableWarning
        role="textbox"
        aria-multiline="true"
        aria-label={labelledBy ? undefined : label}
        aria-labelledby={labelledBy}
        style={{ minHeight }}
        onInput={report}
        onBlur={report}
        onPaste={onPaste}
        onKeyUp={refreshState}
        onMouseUp={refreshState}
      />
      <Modal open={linkOpen} title={t('editor.link')} okText={t('common.ok')} cancelText={t('common.cancel')} onOk={insertLink} onCancel={() => setLinkOpen(false)} destroyOnHidden>
        <Form layout="vertical" onFinish={insertLink}>
          <Form.Item label={t('editor.linkUrl')} validateStatus={linkError ? 'error' : undefined} help={linkError ?? undefined}>
            <Input value={linkUrl} onChange={(e) => setLinkUrl(e.target.value)} autoFocus inputMode="url" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
