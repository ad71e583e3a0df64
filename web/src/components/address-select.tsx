/**
 * To/Cc/Bcc: free addresses as tags, with suggestions from the organisation directory
 * (`/api/directory?q=`: names, pinyin initials — `zs` finds 张三 — units and lists).
 */
import { useQuery } from '@tanstack/react-query';
import { Select, Tag } from 'antd';
import { useMemo, useState } from 'react';
import type { DirectoryEntry } from '../../../common/schemas/webmail.js';
import { api } from '../api/client.js';
import { queryKeys } from '../api/query-keys.js';
import { useDebouncedValue } from '../hooks/use-debounced-value.js';
import { useI18n } from '../i18n/index.js';

/** Loose check, as the server checks again: something@domain.tld. */
export function looksLikeAddress(value: string): boolean {
  return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value.trim());
}

/** `张伟 <zhangwei@haining.gov.cn>` or a bare address → the address. */
export function addressOf(value: string): string {
  const match = /<([^<>]+)>\s*$/.exec(value);
  return (match ? match[1]! : value).trim();
}

interface Props {
  id?: string;
  value: string[];
  onChange(value: string[]): void;
  label: string;
  /** Display names known for addresses (a reply's recipients, directory picks), for the tags. */
  names?: Record<string, string>;
  /** A directory entry was picked: its name is known from now on. */
  onLearn?(address: string, name: string): void;
  autoFocus?: boolean;
}

export function AddressSelect({ id, value, onChange, label, names = {}, onLearn, autoFocus }: Props) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), 200);
  const [known, setKnown] = useState<Record<string, DirectoryEntry>>({});
  const directory = useQuery({
    queryKey: queryKeys.directory(q),
    queryFn: () => api.directory(q),
    enabled: q.length > 0,
    staleTime: 60_000,
  });

  const options = useMemo(
    () =>
      (directory.data ?? []).map((entry) => ({
        value: entry.address,
        label: (
          <span className="dir-option">
            <span className="dir-name">{entry.name}</span>
            <span className="dir-address">{entry.address}</span>
            {entry.detail && <span className="dir-detail">{entry.detail}</span>}
          </span>
        ),
        title: `${entry.name} <${entry.address}>`,
        entry,
      })),
    [directory.data],
  );

  return (
    <Select
      id={id}
      mode="tags"
      aria-label={label}
      value={value}
      autoFocus={autoFocus}
      placeholder={t('compose.recipientHint')}
      tokenSeparators={[',', ';', '，', '；', ' ']}
      showSearch={{ filterOption: false, onSearch: setSearch, searchValue: search }}
      notFoundContent={null}
      loading={directory.isFetching}
      options={options}
      onChange={(next: string[]) => {
        const found = { ...known };
        for (const option of options) {
          found[option.value] = option.entry;
          if (next.includes(option.value)) onLearn?.(option.value, option.entry.name);
        }
        setKnown(found);
        onChange([...new Set(next.map(addressOf).filter((v) => v !== ''))]);
        setSearch('');
      }}
      tagRender={({ value: tagValue, closable, onClose }) => {
        const address = String(tagValue);
        const valid = looksLikeAddress(address);
        const name = known[address]?.name ?? names[address];
        return (
          <Tag
            color={valid ? undefined : 'error'}
            closable={closable}
            onClose={onClose}
            className="address-tag"
            title={valid ? address : t('compose.invalidAddress', { value: address })}
            onMouseDown={(e) => e.preventDefault()}
          >
            {name ? `${name} <${address}>` : address}
          </Tag>
        );
      }}
    />
  );
}
