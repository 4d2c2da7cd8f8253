import type { UseQueryResult } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/locale';

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // A new page takes focus on its heading, so keyboard and screen-reader users start at the top of it.
  useEffect(() => heading.current?.focus(), []);
  return (
    <header className="page-header">
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  const auto = useId();
  const headingId = id ?? auto;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

/** A labelled control: the label wraps its input, so every control has a name. */
export function Field({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child passed in
    <label className={wide ? 'field wide' : 'field'}>
      <span>{label}</span>
      {children}
    </label>
  );
}

/** Loading, error and empty states of a query, in one place; children see the data. */
export function Query<T>({
  query,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  empty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  const { t } = useI18n();
  if (query.isPending) return <p role="status">{t('loading')}</p>;
  if (query.isError)
    return (
      <div role="alert" className="problem">
        {t('error', { detail: query.error.message })}{' '}
        <button type="button" onClick={() => query.refetch()}>
          {t('retry')}
        </button>
      </div>
    );
  if (empty?.(query.data)) return <p className="muted">{t('none')}</p>;
  return <>{children(query.data)}</>;
}

export function Badge({ value }: { value: string }) {
  const { value: name } = useI18n();
  return <span className={`badge badge-${value}`}>{name(value)}</span>;
}

/** A table that scrolls sideways on a narrow screen instead of overflowing the page. */
export function Table({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section className="table-wrap" tabIndex={0} aria-label={caption}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        {children}
      </table>
    </section>
  );
}

/** A column of a DataTable: its header, how a row shows in it, and its class ('num': figures). */
export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  className?: string;
}

/** A table drawn from its columns, one row per item; `selected` marks the row a side panel shows. */
export function DataTable<T>({
  caption,
  rows,
  columns,
  rowKey,
  selected,
  rowClass,
}: {
  caption: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  selected?: string | null;
  rowClass?: (row: T) => string | undefined;
}) {
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          {columns.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed for a table
            <th key={i} scope="col" className={c.className}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const key = rowKey(row);
          return (
            <tr
              key={key}
              aria-selected={selected === undefined ? undefined : key === selected}
              className={rowClass?.(row)}
            >
              {columns.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed for a table
                <td key={i} className={c.className}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

/**
 * A cursor-paged list: the query's loading/error/empty states, its page as a DataTable, and the pager.
 * `footer` shows below the table (totals, actions on the page).
 */
export function PagedTable<T>({
  query,
  pages,
  footer,
  ...table
}: {
  query: UseQueryResult<{ data: T[]; nextCursor: string | null }>;
  pages: CursorPages;
  caption: string;
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  selected?: string | null;
  rowClass?: (row: T) => string | undefined;
  footer?: ReactNode;
}) {
  return (
    <Query query={query} empty={(p) => p.data.length === 0 && pages.page === 1}>
      {(page) => (
        <div>
          <DataTable rows={page.data} {...table} />
          {footer}
          <Pager pages={pages} nextCursor={page.nextCursor} />
        </div>
      )}
    </Query>
  );
}

/** A status select for a queue or list; `all` adds the "All" choice (the empty value). */
export function StatusSelect<S extends string>({
  statuses,
  value,
  onChange,
  all = true,
}: {
  statuses: readonly S[];
  value: S | '';
  onChange: (status: S | '') => void;
  all?: boolean;
}) {
  const { t, value: name } = useI18n();
  return (
    <Field label={t('status')}>
      <select value={value} onChange={(e) => onChange(e.target.value as S | '')}>
        {all && <option value="">{t('all')}</option>}
        {statuses.map((s) => (
          <option key={s} value={s}>
            {name(s)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Knowledge-base articles suggested for a return's reason or a claim's kind, each folded open. */
export function Suggestions({
  articles,
}: {
  articles: readonly { id: string; title: string; body: string }[];
}) {
  const { t } = useI18n();
  if (articles.length === 0) return null;
  return (
    <>
      <h3>{t('suggestions')}</h3>
      <ul className="kb">
        {articles.map((a) => (
          <li key={a.id}>
            <details>
              <summary>{a.title}</summary>
              <p>{a.body}</p>
            </details>
          </li>
        ))}
      </ul>
    </>
  );
}

export type CursorPages = ReturnType<typeof useCursorPages>;

/** Cursor paging: remembers the cursors seen, so "previous" works without offsets. */
export function useCursorPages(resetOn: unknown) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const key = JSON.stringify(resetOn);
  const [lastKey, setLastKey] = useState(key);
  if (key !== lastKey) {
    setLastKey(key);
    setCursors([undefined]);
  }
  const page = cursors.length;
  return {
    cursor: cursors[cursors.length - 1],
    page,
    next: (cursor: string) => setCursors((c) => [...c, cursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}

export function Pager({ pages, nextCursor }: { pages: CursorPages; nextCursor: string | null | undefined }) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t('page', { n: pages.page })}>
      <button type="button" onClick={pages.previous} disabled={pages.page <= 1}>
        {t('previous')}
      </button>
      <span>{t('page', { n: pages.page })}</span>
      <button type="button" onClick={() => nextCursor && pages.next(nextCursor)} disabled={!nextCursor}>
        {t('next')}
      </button>
    </nav>
  );
}

/** Says how the last command went, politely to screen readers. */
export function Outcome({ error, success }: { error: Error | null; success: boolean }) {
  const { t } = useI18n();
  return (
    <p aria-live="polite" className={error ? 'problem' : 'ok'}>
      {error ? t('error', { detail: error.message }) : success ? t('done') : ''}
    </p>
  );
}

/** A button that opens a small form below it (a disclosure), for an action that needs input. */
export function Disclosure({
  label,
  children,
}: {
  label: string;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div className="disclosure">
      <button type="button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open && (
        <div id={id} className="disclosure-body">
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}
