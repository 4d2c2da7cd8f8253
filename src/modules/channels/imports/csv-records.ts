/** A CSV record past this many characters is a broken one (an unclosed quote eating the file), not an order line. */
export const MAX_RECORD_CHARS = 64 * 1024;

/** A record with its header's names, at its last physical line; or a line that is not a record. */
export type CsvItem =
  | { line: number; record: Record<string, string>; broken?: undefined }
  | { line: number; record?: undefined; broken: true };

/**
 * Splits CSV text (header row first) into records as chunks arrive, without a general-purpose parser's
 * cost per record: a line without a quote is split on commas as it is (most lines of an export), a
 * quoted one is read character by character. What it takes (RFC 4180, and a stray quote as text):
 *
 * - a field that starts with `"` is quoted: commas and newlines inside it are text, `""` is a quote;
 *   a closing quote followed by anything but a comma or the end of the line makes the field plain
 *   text (`"BROKEN "QUOTE"` as written), so a stray quote costs that field, not the rest of the file;
 * - a quote inside an unquoted field is text; `\r\n` ends a line as `\n` does; empty lines are skipped;
 *   a byte order mark before the header is dropped;
 * - a record with another number of fields than the header, a quote never closed, or a record past
 *   `MAX_RECORD_CHARS` is `broken` at its line; an unclosed quote costs its own line only: reading
 *   goes on at the line after it.
 */
export class CsvRecords {
  #columns: string[] | undefined;
  #buffer = '';
  /** Physical lines before `#buffer` starts. */
  #linesBefore = 0;
  #first = true;

  /** The records complete in the text so far, the chunk added. */
  push(chunk: string): CsvItem[] {
    if (this.#first) {
      this.#first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.#buffer = this.#buffer.length ? this.#buffer + chunk : chunk;
    return this.#take(false);
  }

  /** The rest, at the end of the text. */
  end(): CsvItem[] {
    return this.#take(true);
  }

  #take(atEnd: boolean): CsvItem[] {
    const out: CsvItem[] = [];
    const text = this.#buffer;
    let pos = 0;
    let line = this.#linesBefore;
    while (pos < text.length) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) {
        if (!atEnd) {
          if (text.length - pos <= MAX_RECORD_CHARS) break;
          // A line longer than any record: broken; what follows until its end is skipped later.
          nl = text.length;
        } else nl = text.length;
      }
      const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const raw = text.slice(pos, end);
      if (!raw.includes('"')) {
        line++;
        if (raw.length > MAX_RECORD_CHARS) out.push({ line, broken: true });
        else if (raw.length > 0) this.#emit(out, raw.split(','), line);
        pos = nl + 1;
        continue;
      }
      const quoted = readQuoted(text, pos, atEnd);
      if (quoted === undefined) break; // its end is in a chunk still to come
      if (quoted === 'broken') {
        // Never closed: the record is its first line, and reading goes on after it.
        line++;
        out.push({ line, broken: true });
        pos = nl + 1;
        continue;
      }
      line += quoted.lines;
      this.#emit(out, quoted.fields, line);
      pos = quoted.next;
    }
    this.#buffer = pos >= text.length ? '' : text.slice(pos);
    this.#linesBefore = line;
    if (atEnd && this.#buffer.length) {
      // Only an unfinished line longer than a record can be left here.
      this.#buffer = '';
      this.#linesBefore++;
      out.push({ line: this.#linesBefore, broken: true });
    }
    return out;
  }

  #emit(out: CsvItem[], fields: string[], line: number) {
    const columns = this.#columns;
    if (!columns) {
      this.#columns = fields;
      return;
    }
    if (fields.length !== columns.length) {
      out.push({ line, broken: true });
      return;
    }
    const record: Record<string, string> = {};
    for (let i = 0; i < columns.length; i++) record[columns[i]!] = fields[i]!;
    out.push({ line, record });
  }
}

/**
 * A record that has a quote, read from `start`: its fields, the physical lines it spans and where the
 * next starts; undefined when its end is not in the text yet, 'broken' when a quote is never closed.
 */
function readQuoted(
  text: string,
  start: number,
  atEnd: boolean,
): { fields: string[]; lines: number; next: number } | 'broken' | undefined {
  const fields: string[] = [];
  let pos = start;
  let lines = 1;
  for (;;) {
    if (pos - start > MAX_RECORD_CHARS) return 'broken';
    let value: string;
    if (text.charCodeAt(pos) === 34) {
      // Quoted: to the quote followed by a comma or a line's end.
      let parts = '';
      let from = pos + 1;
      let closed = -1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0 || q - start > MAX_RECORD_CHARS) {
          if (!atEnd && q < 0 && text.length - start <= MAX_RECORD_CHARS) return undefined;
          return 'broken';
        }
        const after = text.charCodeAt(q + 1);
        if (after === 34) {
          parts += text.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        if (q + 1 >= text.length && !atEnd) return undefined;
        parts += text.slice(from, q);
        closed = q;
        break;
      }
      for (let i = pos + 1; i < closed; i++) if (text.charCodeAt(i) === 10) lines++;
      const after = text.charCodeAt(closed + 1);
      const crlf = after === 13 && text.charCodeAt(closed + 2) === 10;
      if (Number.isNaN(after) || after === 44 || after === 10 || crlf) {
        value = parts;
        pos = closed + 1;
      } else {
        // A closing quote with text after it: the field is what was written, up to the next comma.
        const stop = fieldEnd(text, closed + 1);
        if (stop < 0) return atEnd ? { ...plain(), next: text.length } : undefined;
        value = text.slice(pos, stop).replace(/\r$/, '');
        pos = stop;
      }
    } else {
      const stop = fieldEnd(text, pos);
      if (stop < 0) {
        if (!atEnd) return undefined;
        value = text.slice(pos);
        pos = text.length;
      } else {
        value = text.slice(pos, stop);
        pos = stop;
      }
      if (value.endsWith('\r') && text.charCodeAt(pos) === 10) value = value.slice(0, -1);
    }
    fields.push(value);
    const c = text.charCodeAt(pos);
    if (c === 44) {
      pos++;
      continue;
    }
    if (c === 13 && text.charCodeAt(pos + 1) === 10) pos++;
    if (pos < text.length)
      pos++; // the newline
    else if (!atEnd) return undefined;
    return { fields, lines, next: pos };
  }

  function plain() {
    fields.push(text.slice(pos).replace(/\r$/, ''));
    return { fields, lines };
  }
}

/** Where an unquoted field ends (its comma or newline), -1 if not in the text yet. */
function fieldEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 10) return i;
  }
  return -1;
}
