/**
 * What the pages say about the cluster the examples are verified on, built
 * from the pin file only (src/lib/pins.ts). src/components/ClusterFacts.astro
 * renders it; test/unit/pins.test.ts checks it against the pins.
 */
import { AGNHOST_IMAGE, type Pins, PINS } from './pins.ts';

export interface ClusterFact {
  /** Short label, e.g. "Kubernetes". */
  term: string;
  /** One sentence or phrase; text only. */
  value: string;
}

const NUMBERS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** "two workers", "one worker", "12 workers" */
export function workersPhrase(n: number): string {
  return `${NUMBERS[n] ?? String(n)} worker${n === 1 ? '' : 's'}`;
}

const CNI_NOTES: Record<string, string> = {
  'kindnet-lite':
    "this project's own small CNI and NetworkPolicy engine, checked against upstream Kubernetes' [sig-network] Netpol e2e suite; not kind's default plugin, kindnetd",
};

export function clusterFacts(p: Pins = PINS): ClusterFact[] {
  const workers = Number(p.WORKERS);
  const cniNote = CNI_NOTES[p.CNI];
  const image = p === PINS ? AGNHOST_IMAGE : `registry.k8s.io/e2e-test-images/agnhost:${p.AGNHOST_VERSION}`;
  return [
    { term: 'Kubernetes', value: `${p.K8S_VERSION}, on a kind ${p.KIND_VERSION} cluster built offline: one control plane and ${workersPhrase(workers)}` },
    { term: 'Network plugin (CNI)', value: cniNote ? `${p.CNI}, ${cniNote}` : p.CNI },
    { term: 'kube-proxy', value: `${p.KUBE_PROXY_MODE} mode` },
    { term: 'Ingress and Gateway API', value: `Traefik ${p.TRAEFIK_VERSION}, with the Gateway API ${p.GATEWAY_API_VERSION} standard-channel CRDs` },
    { term: 'Image', value: `${image}, built from the Kubernetes ${p.K8S_VERSION} source` },
  ];
}
