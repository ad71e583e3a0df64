/**
 * A small windowing list: only the rows in view (plus a margin) exist in the DOM, so a folder of
 * 100 000 messages scrolls like one of 100. Rows have one fixed height; the list reports the
 * visible range so the caller can fetch just those pages (offset/limit).
 *
 * Accessibility: a listbox whose options carry aria-setsize/aria-posinset (most rows are not in
 * the DOM), with aria-activedescendant following the active row.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  /** Rows rendered beyond each edge of the view. */
  overscan?: number;
  renderRow(index: number): ReactNode;
  rowKey(index: number): string | number;
  rowLabel?(index: number): string | undefined;
  activeIndex: number | null;
  onRangeChange(start: number, end: number): void;
  onActivate?(index: number): void;
  onKeyDown?(event: KeyboardEvent<HTMLDivElement>): void;
  ariaLabel: string;
  idPrefix: string;
  rowProps?(index: number): Record<string, unknown>;
  empty?: ReactNode;
}

export function VirtualList({ count, rowHeight, overscan = 8, renderRow, rowKey, rowLabel, activeIndex, onRangeChange, onActivate, onKeyDown, ariaLabel, idPrefix, rowProps, empty }: VirtualListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    setHeight(element.clientHeight || 600);
    const observer = new ResizeObserver(() => setHeight(element.clientHeight || 600));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  useEffect(() => {
    onRangeChange(first, last);
  }, [first, last, onRangeChange]);

  // Keep the active row in view (keyboard navigation, j/k).
  useEffect(() => {
    const element = scroller.current;
    if (!element || activeIndex === null) return;
    const top = activeIndex * rowHeight;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + rowHeight > element.scrollTop + element.clientHeight) element.scrollTop = top + rowHeight - element.clientHeight;
  }, [activeIndex, rowHeight]);

  // A shorter list (another folder, a deleted message) must not leave the view past its end.
  useEffect(() => {
    const element = scroller.current;
    if (element && element.scrollTop > Math.max(0, count * rowHeight - element.clientHeight)) element.scrollTop = Math.max(0, count * rowHeight - element.clientHeight);
  }, [count, rowHeight]);

  const onScroll = useCallback(() => setScrollTop(scroller.current?.scrollTop ?? 0), []);

  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    rows.push(
      <div
        key={rowKey(index)}
        id={`${idPrefix}-${index}`}
        role="option"
        aria-selected={index === activeIndex}
        aria-setsize={count}
        aria-posinset={index + 1}
        aria-label={rowLabel?.(index)}
        className={index === activeIndex ? 'vrow vrow-active' : 'vrow'}
        style={{ top: index * rowHeight, height: rowHeight }}
        onClick={() => onActivate?.(index)}
        {...rowProps?.(index)}
      >
        {renderRow(index)}
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className="vlist"
      role="listbox"
      tabIndex={0}
      aria-label={ariaLabel}
      aria-activedescendant={activeIndex !== null && activeIndex >= first && activeIndex < last ? `${idPrefix}-${activeIndex}` : undefined}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
    >
      {count === 0 ? empty : <div className="vlist-spacer" style={{ height: count * rowHeight }}>{rows}</div>}
    </div>
  );
}
