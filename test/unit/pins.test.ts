// The pin file (scripts/cluster/versions.env) is the only place a pinned
// version or cluster fact is written down. This fails when anything disagrees
// with it: the parser's view of the file, the validator's versions, the
// generated Go wrapper modules, the agnhost tags of examples and tests, the
// versions the documents state, and what the pages show (they render from
// src/lib/pins.ts). The GitHub workflows are checked in workflow.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { clusterFacts, workersPhrase } from '../../src/lib/cluster-facts.ts';
import { AGNHOST_IMAGE, loadPins, minorOf, parsePins, type PinKey, PINS, PINS_PATH, pins, PinsError, pinsFile } from '../../src/lib/pins.ts';
import { GATEWAY_API_VERSION, KUBERNETES_VERSION, schemaCacheName } from '../../src/lib/validator/versions.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const read = (rel: string) => readFileSync(path.join(repo, rel), 'utf8');

/** Tracked and new (not ignored) files of the checkout. */
function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repo, encoding: 'utf8' });
  return out.split('\0').filter((f) => f && existsSync(path.join(repo, f)));
}
const TEXT = /\.(md|mdx|ts|mjs|js|astro|ya?ml|json|sh|env|go|mod|txt)$|(^|\/)run$/;
const HISTORICAL = new Set(['scripts/cluster/NOTES.md']);

function parseError(text: string): string {
  try {
    parsePins(text, 'pins.env');
  } catch (e) {
    expect(e).toBeInstanceOf(PinsError);
    return (e as Error).message;
  }
  throw new Error('parsePins accepted the text');
}

describe(`the pin file (${PINS_PATH})`, () => {
  const text = read(PINS_PATH);

  it('parses, with every key, and is the file the module reads', () => {
    expect(pinsFile()).toBe(path.join(repo, PINS_PATH));
    expect(loadPins()).toEqual(PINS);
    expect(Object.keys(PINS).sort()).toEqual(
      ['ACTIONLINT_VERSION', 'AGNHOST_VERSION', 'CLUSTER_NAME', 'CNI', 'COREDNS_VERSION', 'CYCLONUS_VERSION', 'DEBIAN_SUITE', 'ETCD_IMAGE_TAG', 'ETCD_VERSION', 'GATEWAY_API_VERSION', 'K8S_STAGING_VERSION', 'K8S_VERSION', 'KIND_VERSION', 'KUBE_PROXY_MODE', 'METALLB_VERSION', 'PAUSE_VERSION', 'POD_SUBNET', 'SERVICE_SUBNET', 'TRAEFIK_VERSION', 'WORKERS'].sort(),
    );
  });

  it('means the same to bash, which the cluster scripts source it with', () => {
    const keys = Object.keys(PINS) as PinKey[];
    const out = execFileSync('bash', ['-c', 'set -euo pipefail; source "$1"; shift; for k in "$@"; do printf "%s=%s\\n" "$k" "${!k}"; done', '_', path.join(repo, PINS_PATH), ...keys], { encoding: 'utf8' });
    expect(out.trimEnd().split('\n')).toEqual(keys.map((k) => `${k}=${PINS[k]}`));
  });

  it('has each version in step with the ones derived from it', () => {
    expect(PINS.K8S_STAGING_VERSION).toBe(PINS.K8S_VERSION.replace(/^v1\./, 'v0.'));
    expect(PINS.ETCD_IMAGE_TAG.startsWith(`${PINS.ETCD_VERSION.slice(1)}-`)).toBe(true);
    // Comments that name the Kubernetes release name the pinned one.
    for (const m of text.matchAll(/kubernetes(?:@| --kubernetes-version )(v\d+\.\d+\.\d+)/g)) expect(m[1], m[0]).toBe(PINS.K8S_VERSION);
  });

  it('is strict: an unknown key, a malformed line, a bad value, a repeat, a missing key or CRLF fail with file:line', () => {
    const good = text.endsWith('\n') ? text : `${text}\n`;
    const lines = good.split('\n').length; // the next line number after the file
    expect(parseError(`${good}FOO=bar\n`)).toMatch(new RegExp(`^invalid pin file:\\npins\\.env:${lines}: unknown key FOO; known keys: KIND_VERSION, .*src/lib/pins\\.ts`, 'm'));
    expect(parseError(`${good}export FOO=bar\n`)).toContain(`pins.env:${lines}: not KEY=value, a # comment or a blank line: "export FOO=bar"`);
    expect(parseError(`${good}  # indented comment\n`)).toContain(`pins.env:${lines}: not KEY=value`);
    expect(parseError(good.replace(/^WORKERS=.*$/m, 'WORKERS="2"'))).toMatch(/pins\.env:\d+: WORKERS="2": expected number of worker nodes/);
    expect(parseError(good.replace(/^K8S_VERSION=.*$/m, 'K8S_VERSION=1.37.2 # latest'))).toMatch(/pins\.env:\d+: K8S_VERSION=1\.37\.2 # latest: expected Kubernetes release/);
    expect(parseError(good.replace(/^KUBE_PROXY_MODE=.*$/m, 'KUBE_PROXY_MODE=userspace'))).toMatch(/KUBE_PROXY_MODE=userspace: expected kube-proxy mode/);
    expect(parseError(`${good}CNI=calico\n`)).toMatch(new RegExp(`pins\\.env:${lines}: CNI is set again \\(first set on line \\d+\\)`));
    expect(parseError(good.replace(/^AGNHOST_VERSION=.*\n/m, ''))).toContain('pins.env: AGNHOST_VERSION is missing');
    expect(parseError(good.replace(/\n/g, '\r\n'))).toMatch(/pins\.env:1: line ends with a carriage return/);
    // Every problem is reported, not only the first.
    expect(parseError(`${good}A=1\nB=2\n`).split('\n')).toHaveLength(3);
  });
});

describe('the offline validator', () => {
  it('checks against the pinned Kubernetes and Gateway API, and keys its schema cache by them', () => {
    expect(KUBERNETES_VERSION).toBe(PINS.K8S_VERSION);
    expect(GATEWAY_API_VERSION).toBe(PINS.GATEWAY_API_VERSION);
    expect(schemaCacheName()).toContain(`k8s-${PINS.K8S_VERSION}_`);
    expect(schemaCacheName()).toContain(`gateway-api-${PINS.GATEWAY_API_VERSION}_`);
  });

  it('states no Kubernetes or Gateway API version of its own (versions.ts keeps only its own)', () => {
    const src = read('src/lib/validator/versions.ts');
    const literals = [...src.matchAll(/export const (\w+) = '(v?\d+\.\d+[^']*)'/g)].map((m) => m[1]);
    // The kubeconform release of the benchmark lives with the benchmark (bench/kubeconform.ts).
    expect(literals).toEqual([]);
    for (const f of readdirSync(path.join(repo, 'src/lib/validator'))) {
      expect(read(`src/lib/validator/${f}`), f).not.toMatch(/['"`]v1\.\d{2}\.\d+['"`]/);
    }
  });
});

describe('what is built from the pins', () => {
  it('the Go wrapper modules require the pinned Kubernetes, Traefik and MetalLB', () => {
    expect(read('tools/k8s/go.mod')).toMatch(new RegExp(`^require k8s\\.io/kubernetes ${PINS.K8S_VERSION.replace(/\./g, '\\.')}$`, 'm'));
    expect(read('tools/traefik/go.mod')).toMatch(new RegExp(`^require github\\.com/traefik/traefik/v3 ${PINS.TRAEFIK_VERSION.replace(/\./g, '\\.')}$`, 'm'));
    expect(read('tools/metallb/go.mod')).toMatch(new RegExp(`^require go\\.universe\\.tf/metallb ${PINS.METALLB_VERSION.replace(/\./g, '\\.')}$`, 'm'));
  });
});

describe('agnhost, the one image of the examples', () => {
  it('every example manifest and check uses the pinned tag', () => {
    const bad: string[] = [];
    let seen = 0;
    for (const f of repoFiles().filter((x) => /^examples\/.+\.ya?ml$/.test(x))) {
      const src = read(f);
      for (const doc of parseAllDocuments(src)) {
        const walk = (v: unknown, at: string) => {
          if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
          else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
          else if (typeof v === 'string' && /agnhost[:@]/.test(v)) {
            seen++;
            const image = v.replace(/^--image=/, '');
            if (image !== AGNHOST_IMAGE) bad.push(`${f}: ${at} = ${v}`);
          }
        };
        walk(doc.toJS(), '');
      }
    }
    expect(seen).toBeGreaterThan(30);
    expect(bad, `examples must use ${AGNHOST_IMAGE} (AGNHOST_VERSION in ${PINS_PATH})`).toEqual([]);
  });

  it('no file names another agnhost tag (except the one fixture that proves the rule fires)', () => {
    const allowed = new Set([...HISTORICAL, 'test/fixtures/invalid-manifests/example-agnhost-tag/pod.yaml']);
    const bad: string[] = [];
    for (const f of repoFiles().filter((x) => TEXT.test(x) && !allowed.has(x))) {
      read(f)
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(/agnhost:(\d[\w.-]*)/g)) {
            // cyclonus v0.5.6 hard-codes its probe image's tag; the conformance runner retags the pinned image to it
            if (f === 'src/lib/conformance/suites.ts' && m[1] === '2.43') continue;
            if (m[1] !== PINS.AGNHOST_VERSION) bad.push(`${f}:${i + 1}: agnhost:${m[1]}`);
          }
        });
    }
    expect(bad, `the pinned tag is ${PINS.AGNHOST_VERSION} (AGNHOST_VERSION in ${PINS_PATH})`).toEqual([]);
    expect(read('test/fixtures/invalid-manifests/example-agnhost-tag/pod.yaml')).toMatch(/# expect: example-image at/);
  });
});

/** Mentions of a pinned component's version in prose, and the pin each must equal. */
const MENTIONS: { re: RegExp; key: PinKey }[] = [
  { re: /\bKubernetes (?:release )?(v?\d+\.\d+(?:\.\d+)?)/g, key: 'K8S_VERSION' },
  { re: /\bkubectl (v?\d+\.\d+(?:\.\d+)?)/g, key: 'K8S_VERSION' },
  { re: /k8s\.io\/kubernetes@(v\d+\.\d+\.\d+)/g, key: 'K8S_VERSION' },
  { re: /\bk8s-(v\d+\.\d+\.\d+)_/g, key: 'K8S_VERSION' },
  { re: /"latest" of (v\d+\.\d+)/g, key: 'K8S_VERSION' },
  { re: /\bkind (v\d+\.\d+(?:\.\d+)?)/g, key: 'KIND_VERSION' },
  { re: /\bGateway API (v\d+\.\d+(?:\.\d+)?)/g, key: 'GATEWAY_API_VERSION' },
  { re: /sigs\.k8s\.io\/gateway-api@(v\d+\.\d+\.\d+)/g, key: 'GATEWAY_API_VERSION' },
  { re: /\bgateway-api-(v\d+\.\d+\.\d+)_/g, key: 'GATEWAY_API_VERSION' },
  { re: /Gateway API standard CRDs \((v\d+\.\d+(?:\.\d+)?)/g, key: 'GATEWAY_API_VERSION' },
  { re: /\bTraefik (v\d+\.\d+(?:\.\d+)?)/g, key: 'TRAEFIK_VERSION' },
  { re: /traefik:(v\d+\.\d+\.\d+)/g, key: 'TRAEFIK_VERSION' },
  { re: /\bMetalLB (v\d+\.\d+(?:\.\d+)?)/g, key: 'METALLB_VERSION' },
  { re: /metallb\/(?:controller|speaker):(v\d+\.\d+\.\d+)/g, key: 'METALLB_VERSION' },
  { re: /\bCoreDNS (v\d+\.\d+(?:\.\d+)?)/g, key: 'COREDNS_VERSION' },
  { re: /\betcd (v?\d+\.\d+(?:\.\d+)?)/g, key: 'ETCD_VERSION' },
  { re: /\bpause (\d+\.\d+(?:\.\d+)?)/g, key: 'PAUSE_VERSION' },
];

/** A stated version agrees with a pin when it is the pin, or the pin's minor version. */
function agrees(stated: string, pin: string): boolean {
  const norm = (v: string) => v.replace(/^v/, '');
  return norm(stated) === norm(pin) || norm(stated) === norm(minorOf(pin));
}

describe('documents', () => {
  const docs = repoFiles().filter((f) => /\.md$/.test(f) && !HISTORICAL.has(f) && !f.startsWith('test/fixtures/') && !f.startsWith('content/'));

  it.each(docs)('%s states only the pinned versions', (f) => {
    const bad: string[] = [];
    read(f)
      .split('\n')
      .forEach((line, i) => {
        for (const { re, key } of MENTIONS) {
          for (const m of line.matchAll(re)) if (!agrees(m[1]!, PINS[key])) bad.push(`${f}:${i + 1}: "${m[0]}" but ${key}=${PINS[key]} in ${PINS_PATH}`);
        }
      });
    expect(bad).toEqual([]);
  });

  it('the README, VALIDATOR.md and the cluster README state the pinned Kubernetes release', () => {
    for (const f of ['README.md', 'VALIDATOR.md', 'scripts/cluster/README.md', 'CONTRIBUTING.md']) expect(read(f), f).toContain(PINS.K8S_VERSION);
    expect(read('examples/README.md')).toContain(AGNHOST_IMAGE);
  });
});

describe('pages', () => {
  const contentDir = path.join(repo, 'content');
  const pages = repoFiles()
    .filter((f) => f.startsWith('content/') && /\.mdx?$/.test(f))
    .map((f) => ({ file: f, text: read(f) }));
  const pinned = (Object.entries(PINS) as [PinKey, string][]).filter(([, v]) => /^v?\d+\.\d+\.\d+/.test(v));

  it('exist', () => {
    expect(existsSync(contentDir)).toBe(true);
    expect(pages.length).toBeGreaterThan(5);
  });

  it('never write a pinned version literally: they render it from the pins (ClusterFacts, {pins.…})', () => {
    const bad: string[] = [];
    for (const { file, text } of pages) {
      text.split('\n').forEach((line, i) => {
        for (const [key, value] of pinned) if (line.includes(value)) bad.push(`${file}:${i + 1}: ${value} (${key}); write {pins.…} or <ClusterFacts />`);
        for (const { re, key } of MENTIONS) {
          for (const m of line.matchAll(re)) if (/\d+\.\d+\.\d+/.test(m[1]!)) bad.push(`${file}:${i + 1}: "${m[0]}" states a patch release of what ${key} pins; write {pins.…}`);
        }
        for (const m of line.matchAll(/agnhost:(\d[\w.-]*)/g)) bad.push(`${file}:${i + 1}: agnhost:${m[1]}; write {pins.agnhostImage}`);
      });
    }
    expect(bad).toEqual([]);
  });

  it('use only pins that exist (an unknown one would render "undefined")', () => {
    const bad: string[] = [];
    for (const { file, text } of pages) {
      for (const m of text.matchAll(/\{\s*pins\.(\w+)/g)) if (!Object.hasOwn(pins, m[1]!)) bad.push(`${file}: pins.${m[1]}`);
      if (/\{\s*pins\./.test(text)) expect(text, file).toMatch(/^import \{ pins \} from '~\/lib\/pins\.ts';$/m);
    }
    expect(bad, `known: ${Object.keys(pins).join(', ')}`).toEqual([]);
  });

  it.each(['content/guides/cni.mdx', 'content/guides/networkpolicy.mdx', 'content/guides/troubleshooting.mdx', 'content/guides/gateway-api.mdx'])(
    '%s describes the cluster with <ClusterFacts />',
    (f) => {
      const text = read(f);
      expect(text).toMatch(/^import ClusterFacts from '~\/components\/ClusterFacts\.astro';$/m);
      expect(text).toMatch(/^<ClusterFacts \/>$/m);
    },
  );

  it('the Gateway API page names the verified Gateway API and Traefik releases from the pins', () => {
    const text = read('content/guides/gateway-api.mdx');
    expect(text).toContain('Gateway API {pins.gatewayApi}');
    expect(text).toContain('Traefik {pins.traefik}');
  });

  it('never say the examples run on kind\'s kindnet (they run on kindnet-lite)', () => {
    const bad: string[] = [];
    for (const { file, text } of [...pages, { file: 'examples/README.md', text: read('examples/README.md') }]) {
      const body = text.replace(/^---[\s\S]*?\n---\n/, '');
      for (const sentence of body.split(/(?<=[.;!?])\s+|\n\s*\n|\|/)) {
        const kindnet = /\bkindnet\b(?!-lite)/i.test(sentence);
        const ours = /\b(this site|these examples|the examples|every example|each example|our examples|examples on|behind every)\b/i.test(sentence);
        if (kindnet && ours && !/kindnet-lite/.test(sentence)) bad.push(`${file}: ${sentence.trim().slice(0, 160)}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('<ClusterFacts /> (src/components/ClusterFacts.astro)', () => {
  it('shows the pinned cluster: Kubernetes, kind, workers, CNI, kube-proxy mode, Gateway API, Traefik, agnhost', () => {
    const text = clusterFacts()
      .map((f) => `${f.term}: ${f.value}`)
      .join('\n');
    for (const v of [PINS.K8S_VERSION, PINS.KIND_VERSION, PINS.CNI, `${PINS.KUBE_PROXY_MODE} mode`, PINS.GATEWAY_API_VERSION, PINS.TRAEFIK_VERSION, AGNHOST_IMAGE, `one control plane and ${workersPhrase(Number(PINS.WORKERS))}`]) {
      expect(text).toContain(v);
    }
    expect(text).toMatch(/\[sig-network\] Netpol/);
    expect(text).not.toMatch(/\bkindnet\b(?!-lite|d)/);
  });

  it('follows the pins it is given', () => {
    const other = parsePins(read(PINS_PATH).replace(/^WORKERS=.*$/m, 'WORKERS=1').replace(/^K8S_VERSION=.*$/m, 'K8S_VERSION=v9.9.9').replace(/^CNI=.*$/m, 'CNI=calico'));
    const text = clusterFacts(other)
      .map((f) => f.value)
      .join('\n');
    expect(text).toContain('v9.9.9');
    expect(text).toContain('one control plane and one worker');
    expect(text).toContain('calico');
    expect(text).not.toContain('kindnet-lite');
  });

  it('renders the facts and states nothing of its own', () => {
    for (const f of ['src/components/ClusterFacts.astro', 'src/lib/cluster-facts.ts']) {
      const src = read(f);
      expect(src, f).not.toMatch(/\bv?\d+\.\d+\.\d+\b/);
      expect(src, f).not.toMatch(/nftables|iptables/);
    }
    expect(read('src/components/ClusterFacts.astro')).toMatch(/clusterFacts\(\)/);
  });
});
