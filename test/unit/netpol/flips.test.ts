/**
 * Mutation-style: one world, and single-field changes to it, each of which
 * must flip exactly the cells it names and no other. A field the evaluator
 * ignored (or read wrongly) would leave its cell unflipped.
 */
import { describe, expect, it } from 'vitest';
import { allowed, pod, policy, type World } from './world.ts';

const OPS = 'demo-ops';

/** The base world as a fresh object each time, so a case may change it in place. */
function base() {
  const web = pod('web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }) as { spec: { containers: { ports: { name: string }[] }[] } };
  const client = pod('client', { app: 'client', role: 'x' }) as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
  const stranger = pod('stranger', { app: 'stranger' });
  const mon = pod('mon', { type: 'monitoring' }, { ns: OPS });
  const np = policy('allow-web', {
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [
      { from: [{ podSelector: { matchLabels: { role: 'x' } } }], ports: [{ port: 'http' }] },
      { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { type: 'monitoring' } } }], ports: [{ port: 8000, endPort: 8080 }] },
    ],
  }) as { spec: { podSelector: { matchLabels: Record<string, string> }; ingress: { from?: { podSelector?: { matchLabels: Record<string, string> } }[]; ports: Record<string, unknown>[] }[] } };
  const namespaces = [{ name: OPS, labels: { team: 'ops' } }];
  const world: World = { docs: [web, client, stranger, mon, np], namespaces, clients: ['client', 'stranger', `${OPS}/mon`], servers: ['web'], ports: [{ port: 8080, protocol: 'TCP' }] };
  return { world, web, client, np, namespaces };
}

const CLIENT = 'client -> web 8080/TCP';
const STRANGER = 'stranger -> web 8080/TCP';
const MON = `${OPS}/mon -> web 8080/TCP`;

const FLIPS: [string, (b: ReturnType<typeof base>) => void, string[]][] = [
  ['the client loses its role label value', (b) => { b.client.metadata.labels.role = 'y'; }, [CLIENT]],
  ['the client becomes a host-network pod', (b) => { b.client.spec.hostNetwork = true; }, [CLIENT]],
  ['rule 1 names a port web does not declare', (b) => { b.np.spec.ingress[0]!.ports[0]!.port = 'metrics'; }, [CLIENT]],
  ['web renames its container port', (b) => { b.web.spec.containers[0]!.ports[0]!.name = 'web'; }, [CLIENT]],
  ['rule 1 is UDP', (b) => { b.np.spec.ingress[0]!.ports[0]!.protocol = 'UDP'; }, [CLIENT]],
  ['rule 1 has no from (every source)', (b) => { delete b.np.spec.ingress[0]!.from; }, [STRANGER]],
  ['rule 2 endPort stops short of 8080', (b) => { b.np.spec.ingress[1]!.ports[0]!.endPort = 8079; }, [MON]],
  ['the ops namespace loses its team label value', (b) => { b.namespaces[0]!.labels.team = 'dev'; }, [MON]],
  ['rule 2 wants batch pods', (b) => { b.np.spec.ingress[1]!.from![0]!.podSelector!.matchLabels.type = 'batch'; }, [MON]],
  ['the policy selects other pods than web', (b) => { b.np.spec.podSelector.matchLabels.app = 'other'; }, [STRANGER]],
];

describe('one field changed, one cell flipped', () => {
  const before = allowed(base().world);

  it('the base world: client by role and port name, mon by namespace AND label within the range, stranger blocked', () => {
    expect(before).toEqual([MON, CLIENT].sort());
  });

  it.each(FLIPS)('%s', (_name, change, flipped) => {
    const b = base();
    change(b);
    const after = allowed(b.world);
    const diff = [...before.filter((k) => !after.includes(k)), ...after.filter((k) => !before.includes(k))].sort();
    expect(diff).toEqual(flipped);
  });
});
