/**
 * The evaluator's public types (the shared contract of issue 12): what the
 * runner, the page and the validator exchange with it.
 */

/** Transport protocol of a probed port; NetworkPolicy's default is TCP. */
export type Protocol = 'TCP' | 'UDP';

/** What the evaluator predicts for one cell. */
export type Verdict = 'allowed' | 'blocked';

/** The cluster's address plan, from the pins POD_SUBNET and SERVICE_SUBNET (src/lib/pins.ts). */
export interface AddressPlan {
  /** IPv4 CIDR every non-hostNetwork pod gets its IP from. */
  podSubnet: string;
  /** IPv4 CIDR Services get their cluster IPs from; node addresses are outside both. */
  serviceSubnet: string;
}

/** example.yaml `reachability`: every client probes every server on every port. */
export interface ReachabilityDecl {
  /** Bare Pod names of the manifests; `<namespace>/<pod>` for a pod in an extra namespace. */
  clients: string[];
  /** Same form as clients; probed at the pod's IP. */
  servers: string[];
  /** Ports every server listens on. */
  ports: { port: number; protocol: Protocol }[];
}

/** One predicted cell of the matrix. */
export interface PredictedCell {
  client: string;
  server: string;
  port: number;
  protocol: Protocol;
  verdict: Verdict;
  /** One line per deciding fact: which policies isolate, which rule allows, or why none does. */
  because: string[];
}

/** A whole predicted matrix, in the declaration's order. */
export interface PredictedMatrix {
  clients: string[];
  servers: string[];
  ports: { port: number; protocol: Protocol }[];
  /** One per (client, server, port), clients outermost, then servers, then ports. */
  cells: PredictedCell[];
}

/** A located problem the evaluator found in the manifests or the declaration. */
export interface NetpolProblem {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
  hint: string;
}

/** A path of keys and indexes inside one YAML document (or inside example.yaml). */
export type DocPath = (string | number)[];

/** One manifest document given to the evaluator. */
export interface SourceDocument {
  /** File for error locations. */
  file: string;
  /** The document's plain value. */
  doc: unknown;
  /** 1-based line where the document starts, used when `locate` is absent. */
  line?: number;
  /** Optional precise locator: line and column of the node at `path` in this document. */
  locate?: (path: DocPath) => { line: number; column: number };
}

/** The input of predictReachability. */
export interface PredictInput {
  /** Every manifest document of the example, each with its file for error locations. */
  documents: SourceDocument[];
  /** The example's own namespace: objects without metadata.namespace live in it. */
  namespace: string;
  /** The extra namespaces, with their labels (kubernetes.io/metadata.name is added automatically). */
  namespaces: { name: string; labels: Record<string, string> }[];
  /** The declared matrix. */
  decl: ReachabilityDecl;
  /** The cluster's address plan. */
  plan: AddressPlan;
  /** Optional: where the declaration lives (example.yaml), for problems about it; `path` is relative to `reachability`. */
  declSource?: { file: string; locate?: (path: DocPath) => { line: number; column: number } };
}

export type PredictOutcome = { ok: true; matrix: PredictedMatrix } | { ok: false; problems: NetpolProblem[] };
