import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useI18n } from '../i18n/locale';
import { type Column, PagedTable, PageHeader, StatusSelect, useCursorPages } from './kit';

interface Item {
  id: string;
  createdAt: string;
}

/**
 * A work queue (returns, claims): filtered by status, newest first, a page at a time; picking an item
 * opens its panel beside the list, and the panel hands back the item as a command left it.
 */
export function QueuePage<S extends string, T extends Item>({
  title,
  name,
  statuses,
  initial,
  load,
  columns,
  panel,
}: {
  title: string;
  /** The query key's first part, what a command invalidates. */
  name: string;
  statuses: readonly S[];
  initial: S;
  load: (q: { status: S | undefined; cursor: string | undefined }) => Promise<{
    data: T[];
    nextCursor: string | null;
  }>;
  columns: readonly Column<T>[];
  panel: (item: T, onChanged: (item: T) => void) => ReactNode;
}) {
  const { t, date } = useI18n();
  const [status, setStatus] = useState<S | ''>(initial);
  const [selected, setSelected] = useState<T | null>(null);
  const pages = useCursorPages(status);
  const list = useQuery({
    queryKey: [name, status, pages.cursor],
    queryFn: () => load({ status: status || undefined, cursor: pages.cursor }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader title={title} />
      <div className="filters card">
        <StatusSelect statuses={statuses} value={status} onChange={setStatus} />
      </div>
      <div className="two-columns">
        <PagedTable
          query={list}
          pages={pages}
          caption={title}
          rowKey={(r) => r.id}
          selected={selected?.id ?? null}
          columns={[
            {
              header: t('placedAt'),
              cell: (r) => (
                <button type="button" className="link" onClick={() => setSelected(r)}>
                  {date(r.createdAt)}
                </button>
              ),
            },
            ...columns,
          ]}
        />
        {selected && <div key={selected.id}>{panel(selected, setSelected)}</div>}
      </div>
    </>
  );
}
