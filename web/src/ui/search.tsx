import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useI18n } from '../i18n/locale';
import { Field, useCursorPages } from './kit';

/**
 * A list searched by a text box, then paged by cursor: the box's text, the search applied on submit
 * (a new search starts again at page 1), the pages and the page's query under `[name, search, cursor]`.
 * `load` gets the search trimmed, or undefined for none.
 */
export function useSearchedPages<P extends { data: unknown[]; nextCursor: string | null }>(
  name: string,
  load: (q: string | undefined, cursor: string | undefined) => Promise<P>,
) {
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const pages = useCursorPages(search);
  const query = useQuery({
    queryKey: [name, search, pages.cursor],
    queryFn: () => load(search || undefined, pages.cursor),
    placeholderData: keepPreviousData,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch(text.trim());
  };
  return { text, setText, submit, pages, query };
}

/** The search box of a useSearchedPages list, with its submit button. */
export function SearchForm({
  search,
  label,
  placeholder,
}: {
  search: Pick<ReturnType<typeof useSearchedPages>, 'text' | 'setText' | 'submit'>;
  label: string;
  placeholder?: string;
}) {
  return (
    <FiltersForm onSubmit={search.submit}>
      <Field label={label} wide>
        <input
          type="search"
          placeholder={placeholder}
          value={search.text}
          onChange={(e) => search.setText(e.target.value)}
        />
      </Field>
    </FiltersForm>
  );
}

/** A card of filters applied by its Search button; `actions` go beside that button. */
export function FiltersForm({
  onSubmit,
  children,
  actions,
}: {
  onSubmit: (e: FormEvent) => void;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <form className="filters card" onSubmit={onSubmit}>
      {children}
      <div className="row">
        <button type="submit" className="primary">
          {t('search')}
        </button>
        {actions}
      </div>
    </form>
  );
}
