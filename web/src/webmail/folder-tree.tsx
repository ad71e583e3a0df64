/**
 * The folder tree: special-use folders first under their Chinese names, then the user's own
 * folders nested by path, each with its unread count. Messages dragged from the list drop onto
 * a folder to move there; own folders can be created, renamed and deleted.
 */
import {
  DeleteOutlined,
  EditOutlined,
  FileTextOutlined,
  FolderAddOutlined,
  FolderOutlined,
  InboxOutlined,
  MoreOutlined,
  SendOutlined,
  StopOutlined,
  ContainerOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Dropdown, Form, Input, Modal, Select, Tree, type TreeDataNode } from 'antd';
import { useMemo, useState, type DragEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import type { MailboxView } from '../../../common/schemas/webmail.js';
import { api } from '../api/client.js';
import { queryKeys } from '../api/query-keys.js';
import { folderLabel, SPECIAL_ORDER, specialUseOf } from '../components/folder-label.js';
import { useI18n } from '../i18n/index.js';
import { DRAG_TYPE, useMailboxes, useMessageActions } from './mail-data.js';

const ICONS: Record<string, ReactNode> = {
  '\\Inbox': <InboxOutlined aria-hidden />,
  '\\Drafts': <FileTextOutlined aria-hidden />,
  '\\Sent': <SendOutlined aria-hidden />,
  '\\Trash': <DeleteOutlined aria-hidden />,
  '\\Junk': <StopOutlined aria-hidden />,
  '\\Archive': <ContainerOutlined aria-hidden />,
};

type Dialog = { kind: 'create' } | { kind: 'rename'; mailbox: MailboxView } | null;

interface FolderNode {
  path: string;
  mailbox: MailboxView | null;
  children: FolderNode[];
}

/** Own folders as a tree by `/`; a parent path that is not a folder itself still groups. */
function ownTree(mailboxes: readonly MailboxView[]): FolderNode[] {
  const roots: FolderNode[] = [];
  const byPath = new Map<string, FolderNode>();
  const sorted = [...mailboxes].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  for (const mailbox of sorted) {
    const segments = mailbox.name.split('/');
    let siblings = roots;
    for (let i = 0; i < segments.length; i++) {
      const path = segments.slice(0, i + 1).join('/');
      let node = byPath.get(path);
      if (!node) {
        node = { path, mailbox: null, children: [] };
        byPath.set(path, node);
        siblings.push(node);
      }
      if (i === segments.length - 1) node.mailbox = mailbox;
      siblings = node.children;
    }
  }
  return roots;
}

export function FolderTree({ currentId, onNavigate }: { currentId: number | null; onNavigate?: () => void }) {
  const { t, errorText } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const mailboxes = useMailboxes();
  const actions = useMessageActions();
  const [dropTarget, setDropTarget] = useState<number | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);

  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes });
  const create = useMutation({
    mutationFn: (name: string) => api.createMailbox(name),
    onSuccess: (mailbox) => {
      void message.success(t('folder.created'));
      setDialog(null);
      refresh();
      navigate(`/mail/${mailbox.id}`);
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const rename = useMutation({
    mutationFn: ({ id, name }: { id: number; name: string }) => api.renameMailbox(id, name),
    onSuccess: () => {
      void message.success(t('folder.renamed'));
      setDialog(null);
      refresh();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const remove = useMutation({
    mutationFn: (mailbox: MailboxView) => api.deleteMailbox(mailbox.id),
    onSuccess: (_v, mailbox) => {
      void message.success(t('folder.deleted'));
      refresh();
      if (mailbox.id === currentId) navigate('/mail');
    },
    onError: (err) => void message.error(errorText(err)),
  });

  const list = mailboxes.data ?? [];
  const special = list.filter((m) => specialUseOf(m) !== null).sort((a, b) => SPECIAL_ORDER.indexOf(specialUseOf(a)!) - SPECIAL_ORDER.indexOf(specialUseOf(b)!));
  const own = list.filter((m) => specialUseOf(m) === null);

  const dropHandlers = (mailbox: MailboxView) => ({
    onDragOver: (event: DragEvent) => {
      if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      setDropTarget(mailbox.id);
    },
    onDragLeave: () => setDropTarget((id) => (id === mailbox.id ? null : id)),
    onDrop: (event: DragEvent) => {
      setDropTarget(null);
      const data = event.dataTransfer.getData(DRAG_TYPE);
      if (!data) return;
      event.preventDefault();
      const ids = (JSON.parse(data) as unknown[]).filter((v): v is number => typeof v === 'number');
      if (ids.length > 0) actions.move.mutate({ ids, mailbox, label: folderLabel(t, mailbox) });
    },
  });

  const title = (mailbox: MailboxView, label: string, isOwn: boolean) => (
    <span className={mailbox.id === dropTarget ? 'folder-node folder-drop' : 'folder-node'} {...dropHandlers(mailbox)} title={mailbox.id === dropTarget ? t('folder.dropHint') : undefined}>
      <span className="folder-icon">{ICONS[specialUseOf(mailbox) ?? ''] ?? <FolderOutlined aria-hidden />}</span>
      <span className={mailbox.unread > 0 ? 'folder-name folder-has-unread' : 'folder-name'}>{label}</span>
      {mailbox.unread > 0 && (
        <Badge count={mailbox.unread} overflowCount={9999} size="small" className="folder-unread" color="#1f5fa8" aria-label={t('folder.unread', { count: mailbox.unread })} />
      )}
      {isOwn && (
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'rename', icon: <EditOutlined />, label: t('folder.rename') },
              { key: 'delete', icon: <DeleteOutlined />, label: t('folder.delete'), danger: true },
            ],
            onClick: ({ key, domEvent }) => {
              domEvent.stopPropagation();
              if (key === 'rename') setDialog({ kind: 'rename', mailbox });
              else
                modal.confirm({
                  title: t('folder.delete'),
                  content: t('folder.deleteConfirm', { name: label, count: mailbox.total }),
                  okButtonProps: { danger: true },
                  okText: t('folder.delete'),
                  cancelText: t('common.cancel'),
                  onOk: () => remove.mutateAsync(mailbox),
                });
            },
          }}
        >
          <Button type="text" size="small" className="folder-more" icon={<MoreOutlined />} aria-label={t('folder.actions', { name: label })} onClick={(e) => e.stopPropagation()} />
        </Dropdown>
      )}
    </span>
  );

  const toData = (node: FolderNode): TreeDataNode => {
    const label = node.path.split('/').pop() ?? node.path;
    return {
      key: node.mailbox ? String(node.mailbox.id) : `path:${node.path}`,
      title: node.mailbox ? title(node.mailbox, label, true) : <span className="folder-node folder-group">{label}</span>,
      selectable: Boolean(node.mailbox),
      children: node.children.map(toData),
    };
  };

  const treeData: TreeDataNode[] = [...special.map((m) => ({ key: String(m.id), title: title(m, folderLabel(t, m), false), isLeaf: true })), ...ownTree(own).map(toData)];

  return (
    <nav className="folder-nav" aria-label={t('folder.heading')}>
      <div className="folder-nav-head">
        <h2 className="folder-heading">{t('folder.heading')}</h2>
        <Button type="text" size="small" icon={<FolderAddOutlined />} aria-label={t('folder.new')} title={t('folder.new')} onClick={() => setDialog({ kind: 'create' })} />
      </div>
      <Tree
        className="folder-tree"
        blockNode
        defaultExpandAll
        showLine={false}
        treeData={treeData}
        selectedKeys={currentId === null ? [] : [String(currentId)]}
        onSelect={(_keys, info) => {
          // The clicked node, even when it was selected already (antd then reports no keys):
          // a click on the open folder still shows its list and closes the phone drawer.
          const key = String(info.node.key);
          if (/^\d+$/.test(key)) {
            navigate(`/mail/${key}`);
            onNavigate?.();
          }
        }}
      />
      {dialog && (
        <FolderDialog
          dialog={dialog}
          own={own}
          pending={create.isPending || rename.isPending}
          onCancel={() => setDialog(null)}
          onSubmit={(name) => (dialog.kind === 'create' ? create.mutate(name) : rename.mutate({ id: dialog.mailbox.id, name }))}
        />
      )}
    </nav>
  );
}

function FolderDialog({ dialog, own, pending, onCancel, onSubmit }: { dialog: NonNullable<Dialog>; own: MailboxView[]; pending: boolean; onCancel(): void; onSubmit(name: string): void }) {
  const { t } = useI18n();
  const current = dialog.kind === 'rename' ? dialog.mailbox.name : '';
  const slash = current.lastIndexOf('/');
  const [parent, setParent] = useState(dialog.kind === 'rename' && slash > 0 ? current.slice(0, slash) : '');
  const [name, setName] = useState(dialog.kind === 'rename' ? current.slice(slash + 1) : '');
  const [error, setError] = useState<string | null>(null);
  const parents = useMemo(() => own.filter((m) => dialog.kind !== 'rename' || (m.id !== dialog.mailbox.id && !m.name.startsWith(`${dialog.mailbox.name}/`))), [own, dialog]);

  const submit = () => {
    const leaf = name.trim();
    if (!leaf) return setError(t('folder.nameRequired'));
    if (leaf.includes('/')) return setError(t('folder.nameSlash'));
    onSubmit(parent ? `${parent}/${leaf}` : leaf);
  };

  return (
    <Modal
      open
      title={dialog.kind === 'create' ? t('folder.new') : t('folder.renameTitle', { name: current })}
      okText={t('common.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={pending}
      onOk={submit}
      onCancel={onCancel}
    >
      <Form layout="vertical" onFinish={submit}>
        <Form.Item label={t('folder.newName')} validateStatus={error ? 'error' : undefined} help={error ?? undefined} htmlFor="folder-name">
          <Input id="folder-name" value={name} maxLength={100} autoFocus onChange={(e) => setName(e.target.value)} />
        </Form.Item>
        <Form.Item label={t('folder.newParent')} htmlFor="folder-parent">
          <Select
            id="folder-parent"
            value={parent}
            onChange={setParent}
            options={[{ value: '', label: t('folder.noParent') }, ...parents.map((m) => ({ value: m.name, label: m.name }))]}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
