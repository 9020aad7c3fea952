/**
 * Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards/),
 * policy version "latest" of the pinned release: the checks Pod Security
 * Admission runs for the "baseline" and "restricted" levels, on every pod
 * template.
 *
 * How severe a violation is depends on the unit (validate.ts):
 * - an example is applied into a namespace that enforces its declared level
 *   (example.yaml `podSecurity`, "restricted" by default), so violations of
 *   that level are errors: the API server would reject the pod. A lower level
 *   needs `podSecurityReason`; then only that level is checked.
 * - other files have no declared level: "restricted" violations are warnings.
 */
import { get, isObj, type PathSeg } from '../yaml/plain.ts';
import { containersOf, type PodTemplate } from './pods.ts';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface PodSecurityViolation {
  level: 'baseline' | 'restricted';
  /** Path from the resource root. */
  path: PathSeg[];
  message: string;
  hint: string;
}

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  // added in policy version 1.37 (k8s.io/pod-security-admission policy/check_sysctls.go)
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const RESTRICTED_POD_HINT = 'pod securityContext: {runAsNonRoot: true, runAsUser: 65534, seccompProfile: {type: RuntimeDefault}}';
const RESTRICTED_CONTAINER_HINT = 'container securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}';

/** Every violation of "baseline" and "restricted" in a pod template (restricted includes baseline). */
export function podSecurityViolations(t: PodTemplate): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = [];
  const spec = t.spec;
  if (!spec) return out;
  const sp: PathSeg[] = [...t.path, 'spec'];
  const psc = isObj(spec.securityContext) ? spec.securityContext : {};
  const pscPath: PathSeg[] = [...sp, 'securityContext'];
  const windows = get(spec, 'os', 'name') === 'windows';
  const add = (level: PodSecurityViolation['level'], path: PathSeg[], message: string, hint: string) => out.push({ level, path, message, hint });
  const containers = containersOf(t);

  // ---- baseline
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[f] === true) add('baseline', [...sp, f], `${f}: true shares the node's namespace (baseline forbids it)`, `remove ${f}`);
  }
  if (get(psc, 'windowsOptions', 'hostProcess') === true) add('baseline', [...pscPath, 'windowsOptions', 'hostProcess'], 'hostProcess: true (baseline forbids it)', 'remove windowsOptions.hostProcess');
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  volumes.forEach((v, i) => {
    if (!isObj(v)) return;
    if (v.hostPath !== undefined) add('baseline', [...sp, 'volumes', i, 'hostPath'], `volume "${String(v.name)}" is a hostPath volume (baseline forbids it)`, 'use emptyDir, configMap, secret or a PersistentVolumeClaim');
  });
  if (get(psc, 'seccompProfile', 'type') === 'Unconfined') {
    add('baseline', [...pscPath, 'seccompProfile', 'type'], 'seccompProfile type Unconfined (baseline forbids it)', 'use type: RuntimeDefault');
  }
  const apparmorOk = (type: unknown) => type === undefined || type === 'RuntimeDefault' || type === 'Localhost';
  if (!apparmorOk(get(psc, 'appArmorProfile', 'type'))) add('baseline', [...pscPath, 'appArmorProfile', 'type'], `appArmorProfile type ${String(get(psc, 'appArmorProfile', 'type'))} (baseline allows RuntimeDefault or Localhost)`, 'use type: RuntimeDefault');
  const annotations = get(t.res.obj, ...t.path, 'metadata', 'annotations');
  if (isObj(annotations)) {
    for (const [k, v] of Object.entries(annotations)) {
      if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && typeof v === 'string' && v !== 'runtime/default' && !v.startsWith('localhost/')) {
        add('baseline', [...t.path, 'metadata', 'annotations', k], `AppArmor annotation ${k}: ${v} (baseline allows runtime/default or localhost/*)`, 'use runtime/default');
      }
    }
  }
  const selinux = (o: unknown, path: PathSeg[]) => {
    if (!isObj(o)) return;
    if (typeof o.type === 'string' && !SELINUX_TYPES.has(o.type)) add('baseline', [...path, 'type'], `seLinuxOptions type "${o.type}" (baseline allows container_t, container_init_t, container_kvm_t, container_engine_t)`, 'remove seLinuxOptions.type or use container_t');
    for (const f of ['user', 'role']) if (typeof o[f] === 'string' && o[f] !== '') add('baseline', [...path, f], `seLinuxOptions ${f} is set (baseline forbids it)`, `remove seLinuxOptions.${f}`);
  };
  selinux(psc.seLinuxOptions, [...pscPath, 'seLinuxOptions']);
  const sysctls = Array.isArray(psc.sysctls) ? psc.sysctls : [];
  sysctls.forEach((s, i) => {
    if (isObj(s) && typeof s.name === 'string' && !SAFE_SYSCTLS.has(s.name)) add('baseline', [...pscPath, 'sysctls', i, 'name'], `sysctl ${s.name} is not in the safe set (baseline)`, 'drop it, or declare podSecurity: privileged with a reason');
  });
  for (const c of containers) {
    const sc = isObj(c.container.securityContext) ? c.container.securityContext : {};
    const scPath: PathSeg[] = [...c.path, 'securityContext'];
    const who = `container "${c.name}"`;
    if (sc.privileged === true) add('baseline', [...scPath, 'privileged'], `${who} is privileged (baseline forbids it)`, 'remove privileged: true');
    if (get(sc, 'windowsOptions', 'hostProcess') === true) add('baseline', [...scPath, 'windowsOptions', 'hostProcess'], `${who} sets hostProcess: true (baseline forbids it)`, 'remove windowsOptions.hostProcess');
    const added = get(sc, 'capabilities', 'add');
    if (Array.isArray(added)) {
      added.forEach((cap, i) => {
        if (typeof cap === 'string' && !BASELINE_CAPS.has(cap)) add('baseline', [...scPath, 'capabilities', 'add', i], `${who} adds capability ${cap} (baseline allows only ${[...BASELINE_CAPS].join(', ')})`, `remove ${cap}`);
      });
    }
    const ports = Array.isArray(c.container.ports) ? c.container.ports : [];
    ports.forEach((p, i) => {
      if (isObj(p) && typeof p.hostPort === 'number' && p.hostPort !== 0) add('baseline', [...c.path, 'ports', i, 'hostPort'], `${who} uses hostPort ${p.hostPort} (baseline forbids host ports)`, 'remove hostPort; reach the pod through a Service');
    });
    if (get(sc, 'seccompProfile', 'type') === 'Unconfined') add('baseline', [...scPath, 'seccompProfile', 'type'], `${who} seccompProfile type Unconfined (baseline forbids it)`, 'use type: RuntimeDefault');
    if (!apparmorOk(get(sc, 'appArmorProfile', 'type'))) add('baseline', [...scPath, 'appArmorProfile', 'type'], `${who} appArmorProfile type ${String(get(sc, 'appArmorProfile', 'type'))} (baseline allows RuntimeDefault or Localhost)`, 'use type: RuntimeDefault');
    selinux(sc.seLinuxOptions, [...scPath, 'seLinuxOptions']);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') add('baseline', [...scPath, 'procMount'], `${who} procMount ${String(sc.procMount)} (baseline requires Default)`, 'remove procMount');
  }

  // ---- restricted
  volumes.forEach((v, i) => {
    if (!isObj(v)) return;
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && type !== 'hostPath' && !RESTRICTED_VOLUMES.has(type)) {
      add('restricted', [...sp, 'volumes', i, type], `volume "${String(v.name)}" has type ${type} (restricted allows ${[...RESTRICTED_VOLUMES].join(', ')})`, 'use one of the allowed volume types');
    }
  });
  if (psc.runAsUser === 0) add('restricted', [...pscPath, 'runAsUser'], 'runAsUser: 0 runs as root (restricted forbids it)', 'use a non-zero user, e.g. runAsUser: 65534');
  const podNonRoot = psc.runAsNonRoot;
  const podSeccomp = get(psc, 'seccompProfile', 'type');
  const nonRootMissing: string[] = [];
  const seccompMissing: string[] = [];
  for (const c of containers) {
    const sc = isObj(c.container.securityContext) ? c.container.securityContext : {};
    const scPath: PathSeg[] = [...c.path, 'securityContext'];
    const who = `container "${c.name}"`;
    const where = isObj(c.container.securityContext) ? scPath : c.path;
    if (!windows && sc.allowPrivilegeEscalation !== false) {
      add('restricted', sc.allowPrivilegeEscalation !== undefined ? [...scPath, 'allowPrivilegeEscalation'] : where, `${who} must set securityContext.allowPrivilegeEscalation=false`, RESTRICTED_CONTAINER_HINT);
    }
    if (sc.runAsNonRoot === false) add('restricted', [...scPath, 'runAsNonRoot'], `${who} sets runAsNonRoot: false (restricted requires true)`, 'remove it or set runAsNonRoot: true');
    else if (sc.runAsNonRoot !== true && podNonRoot !== true) nonRootMissing.push(c.name);
    if (sc.runAsUser === 0) add('restricted', [...scPath, 'runAsUser'], `${who} sets runAsUser: 0 (restricted forbids root)`, 'use a non-zero user, e.g. runAsUser: 65534');
    if (!windows) {
      const st = get(sc, 'seccompProfile', 'type');
      if (st === undefined && !(podSeccomp === 'RuntimeDefault' || podSeccomp === 'Localhost')) seccompMissing.push(c.name);
      else if (st !== undefined && st !== 'RuntimeDefault' && st !== 'Localhost' && st !== 'Unconfined') {
        add('restricted', [...scPath, 'seccompProfile', 'type'], `${who} seccompProfile type ${String(st)} (restricted requires RuntimeDefault or Localhost)`, 'use type: RuntimeDefault');
      }
      const drop = get(sc, 'capabilities', 'drop');
      if (!(Array.isArray(drop) && drop.includes('ALL'))) {
        add('restricted', Array.isArray(drop) ? [...scPath, 'capabilities', 'drop'] : where, `${who} must drop ALL capabilities (securityContext.capabilities.drop: [ALL])`, RESTRICTED_CONTAINER_HINT);
      }
      const added = get(sc, 'capabilities', 'add');
      if (Array.isArray(added)) {
        added.forEach((cap, i) => {
          if (typeof cap === 'string' && cap !== 'NET_BIND_SERVICE' && BASELINE_CAPS.has(cap)) {
            add('restricted', [...scPath, 'capabilities', 'add', i], `${who} adds capability ${cap} (restricted allows only NET_BIND_SERVICE)`, `remove ${cap}`);
          }
        });
      }
    }
  }
  if (podNonRoot === false) add('restricted', [...pscPath, 'runAsNonRoot'], 'pod sets runAsNonRoot: false (restricted requires true)', RESTRICTED_POD_HINT);
  else if (nonRootMissing.length) {
    add('restricted', isObj(spec.securityContext) ? pscPath : sp, `pod or containers ${nonRootMissing.map((n) => `"${n}"`).join(', ')} must set securityContext.runAsNonRoot=true`, RESTRICTED_POD_HINT);
  }
  if (!windows && seccompMissing.length && podSeccomp !== 'Unconfined') {
    add('restricted', isObj(spec.securityContext) ? pscPath : sp, `pod or containers ${seccompMissing.map((n) => `"${n}"`).join(', ')} must set securityContext.seccompProfile.type to RuntimeDefault or Localhost`, RESTRICTED_POD_HINT);
  }
  return out;
}
