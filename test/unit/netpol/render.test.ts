/** The terminal grid and the cell key the runner and the page share. */
import { describe, expect, it } from 'vitest';
import { cellKey, renderMatrixText } from '../../../src/lib/netpol/index.ts';
import { pod, policy, predict } from './world.ts';

const matrix = () =>
  predict({
    docs: [pod('web', { app: 'web' }), pod('a', { app: 'a' }), pod('b', { app: 'b' }), policy('p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }] })],
    clients: ['a', 'b'],
    servers: ['web'],
    ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
  });

describe('renderMatrixText', () => {
  it('draws rows of clients and columns of server:port/protocol', () => {
    expect(renderMatrixText(matrix())).toBe(
      [
        'client \\ server  web:80/TCP  web:53/UDP',
        '---------------  ----------  ----------',
        'a                allowed     allowed',
        'b                blocked     blocked',
      ].join('\n'),
    );
  });

  it('marks and lists the cells a measurement contradicts, and only those', () => {
    const measured = new Map([
      ['a -> web 80/TCP', 'allowed'],
      ['b -> web 80/TCP', 'refused'],
      ['b -> web 53/UDP', 'blocked'],
    ]);
    const text = renderMatrixText(matrix(), measured);
    expect(text).toContain('b                blocked!=refused  blocked');
    expect(text.split('\n').slice(-2)).toEqual(['1 cell(s) differ from the prediction:', '  b -> web 80/TCP: predicted blocked, measured refused']);
  });

  it('keys a cell as "client -> server port/protocol"', () => {
    expect(cellKey({ client: 'ns-x/client-b', server: 'web', port: 8080, protocol: 'UDP' })).toBe('ns-x/client-b -> web 8080/UDP');
  });
});
