interface Frame {
  /** the keys seen so far, for an object; null for an array */
  keys: Set<string> | null;
  /** the key whose value is being read (object) */
  current: string;
  /** the element being read (array) */
  index: number;
}

/** Index just past the string literal that starts at `start` (a `"`). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

function nextNonSpace(text: string, from: number): string | undefined {
  let i = from;
  while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i += 1;
  return text[i];
}

/**
 * The dotted path of the first key that appears twice in one object of a JSON text, or
 * undefined. `JSON.parse` keeps the last of duplicates silently, so `{"name":"a","name":"b"}`
 * would mean whatever the last writer chose. Keys compare after unescaping (`"n\u0061me"` is
 * `"name"`). Call it on text `JSON.parse` accepted.
 *
 * @example findDuplicateKey('{"a":{"b":1,"b":2}}') // → 'a.b'
 */
export function findDuplicateKey(json: string): string | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < json.length) {
    const c = json[i];
    if (c === '"') {
      const end = endOfString(json, i);
      const top = stack.at(-1);
      if (top?.keys && nextNonSpace(json, end) === ':') {
        const key = JSON.parse(json.slice(i, end)) as string;
        if (top.keys.has(key))
          return [...stack.slice(0, -1).map((f) => (f.keys ? f.current : String(f.index))), key].join('.');
        top.keys.add(key);
        top.current = key;
      }
      i = end;
      continue;
    }
    if (c === '{') stack.push({ keys: new Set(), current: '', index: 0 });
    else if (c === '[') stack.push({ keys: null, current: '', index: 0 });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack.at(-1);
      if (top && !top.keys) top.index += 1;
    }
    i += 1;
  }
  return undefined;
}
