/**
 * The matrix as text: a grid for terminals (validate --explain, the runner's
 * failure output) and the one key that names a cell everywhere.
 */
import type { PredictedMatrix, Protocol } from './types.ts';

/** The one key of a cell, e.g. `client-a -> web 8080/TCP`; the runner's measured map uses it too. */
export function cellKey(c: { client: string; server: string; port: number; protocol: Protocol }): string {
  return `${c.client} -> ${c.server} ${c.port}/${c.protocol}`;
}

/** A column heading: `web:8080/TCP`. */
export function columnLabel(server: string, p: { port: number; protocol: Protocol }): string {
  return `${server}:${p.port}/${p.protocol}`;
}

/**
 * Rows are clients, columns server:port/protocol. With `measured` (cellKey ->
 * outcome), a cell whose measured outcome differs from the prediction reads
 * `predicted!=measured` and is listed under the grid.
 */
export function renderMatrixText(m: PredictedMatrix, measured?: Map<string, string>): string {
  // A declared matrix has every server on every port; --explain on loose files probes each server on its own ports only.
  const present = new Set(m.cells.map((c) => columnLabel(c.server, c)));
  const columns = m.servers.flatMap((s) => m.ports.map((p) => ({ server: s, ...p }))).filter((c) => present.has(columnLabel(c.server, c)));
  const byKey = new Map(m.cells.map((c) => [cellKey(c), c]));
  const mismatches: string[] = [];
  const rows = m.clients.map((client) => [
    client,
    ...columns.map((col) => {
      const key = cellKey({ client, server: col.server, port: col.port, protocol: col.protocol });
      const predicted = byKey.get(key)?.verdict ?? '?';
      const got = measured?.get(key);
      if (got === undefined || got === predicted) return predicted;
      mismatches.push(`${key}: predicted ${predicted}, measured ${got}`);
      return `${predicted}!=${got}`;
    }),
  ]);
  const header = ['client \\ server', ...columns.map((c) => columnLabel(c.server, c))];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (mismatches.length) out.push('', `${mismatches.length} cell(s) differ from the prediction:`, ...mismatches.map((s) => `  ${s}`));
  return out.join('\n');
}
