/**
 * Search results: the words come from the header's search box (`?q=`), the filters — sender,
 * date range (whole days in Asia/Shanghai), has attachment, folder — from the bar above the list.
 * Everything lives in the URL, so a search can be reloaded, shared and gone back to.
 */
import { FilterOutlined } from '@ant-design/icons';
import { Button, Checkbox, DatePicker, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useLocation, useParams, useSearchParams } from 'react-router';
import type { SearchParams } from '../api/client.js';
import { folderLabel } from '../components/folder-label.js';
import { useI18n } from '../i18n/index.js';
import { useMailboxes, useMessagePages, type ListSource } from './mail-data.js';
import { MessagesPane } from './messages-pane.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function searchParamsOf(params: URLSearchParams): SearchParams {
  const after = params.get('after') ?? '';
  const before = params.get('before') ?? '';
  const mb = Number(params.get('mb'));
  return {
    q: params.get('q') ?? '',
    ...(params.get('from') ? { from: params.get('from')! } : {}),
    ...(DAY.test(after) ? { after } : {}),
    ...(DAY.test(before) ? { before } : {}),
    ...(params.get('att') === '1' ? { hasAttachment: true } : {}),
    ...(Number.isInteger(mb) && mb > 0 ? { mailboxId: mb } : {}),
  };
}

export function SearchView() {
  const { t } = useI18n();
  const { messageId } = useParams();
  const location = useLocation();
  const [urlParams, setUrlParams] = useSearchParams();
  const params = useMemo(() => searchParamsOf(urlParams), [urlParams]);
  const source: ListSource = { kind: 'search', params };
  const query = location.search;

  return (
    <MessagesPane
      source={source}
      selectedId={messageId ? Number(messageId) : null}
      openPath={(id) => `/search/${id}${query}`}
      listPath={`/search${query}`}
      label={t('search.results')}
      emptyText={t('search.noResults')}
      header={<SearchFilters params={params} source={source} onApply={(next) => setUrlParams(next)} />}
    />
  );
}

function SearchFilters({ params, source, onApply }: { params: SearchParams; source: ListSource; onApply(next: URLSearchParams): void }) {
  const { t } = useI18n();
  const mailboxes = useMailboxes();
  const [from, setFrom] = useState(params.from ?? '');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(params.after || params.before ? [params.after ? dayjs(params.after) : null, params.before ? dayjs(params.before) : null] : null);
  const [hasAttachment, setHasAttachment] = useState(Boolean(params.hasAttachment));
  const [mailboxId, setMailboxId] = useState<number | null>(params.mailboxId ?? null);
  const [open, setOpen] = useState(Boolean(params.from || params.after || params.before || params.hasAttachment || params.mailboxId));
  // The count of the first page (cached: the list below asks for the same page).
  const count = useMessagePages(source, { start: 0, end: 1 }).total;

  useEffect(() => setFrom(params.from ?? ''), [params.from]);

  const apply = (clear = false) => {
    const next = new URLSearchParams();
    if (params.q) next.set('q', params.q);
    if (!clear) {
      if (from.trim()) next.set('from', from.trim());
      if (range?.[0]) next.set('after', range[0].format('YYYY-MM-DD'));
      if (range?.[1]) next.set('before', range[1].format('YYYY-MM-DD'));
      if (hasAttachment) next.set('att', '1');
      if (mailboxId) next.set('mb', String(mailboxId));
    } else {
      setFrom('');
      setRange(null);
      setHasAttachment(false);
      setMailboxId(null);
    }
    onApply(next);
  };

  return (
    <div className="list-header search-header">
      <div className="search-header-top">
        <h1 className="list-title">
          {t('search.results')}
          {params.q && <span className="search-words">“{params.q}”</span>}
          {count !== null && <span className="list-count" role="status">{t('search.resultCount', { count })}</span>}
        </h1>
        <Button size="small" icon={<FilterOutlined />} aria-expanded={open} aria-controls="search-filters" onClick={() => setOpen(!open)}>
          {t('search.filters')}
        </Button>
      </div>
      {open && (
        <form
          id="search-filters"
          className="search-filters"
          aria-label={t('search.filters')}
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          <Input size="small" aria-label={t('search.sender')} placeholder={t('search.sender')} value={from} onChange={(e) => setFrom(e.target.value)} allowClear />
          <DatePicker.RangePicker size="small" aria-label={t('search.dateRange')} value={range} onChange={(v) => setRange(v ? [v[0], v[1]] : null)} allowEmpty={[true, true]} />
          <Select
            size="small"
            aria-label={t('search.folder')}
            value={mailboxId ?? 0}
            onChange={(v) => setMailboxId(v === 0 ? null : v)}
            options={[{ value: 0, label: t('search.allFolders') }, ...(mailboxes.data ?? []).map((m) => ({ value: m.id, label: folderLabel(t, m) }))]}
            popupMatchSelectWidth={false}
          />
          <Checkbox checked={hasAttachment} onChange={(e) => setHasAttachment(e.target.checked)}>
            {t('search.hasAttachment')}
          </Checkbox>
          <span className="search-filter-actions">
            <Button size="small" type="primary" htmlType="submit">
              {t('search.apply')}
            </Button>
            <Button size="small" onClick={() => apply(true)}>
              {t('search.clear')}
            </Button>
          </span>
        </form>
      )}
    </div>
  );
}
