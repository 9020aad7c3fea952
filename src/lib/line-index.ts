/**
 * 1-based line and column of an offset in a text, for problems that point at
 * a spot (`file:line:col`): build the line index once per text, then look up
 * each offset by binary search.
 */

/** Offsets where each line starts (line 1 at 0). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The line and column of `offset`, given the text's lineStarts. */
export function lineColumn(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/** The line and column of one offset (for a single lookup). */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  return lineColumn(lineStarts(text), offset);
}
