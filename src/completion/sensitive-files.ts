// Files that may hold secrets: inline completion never sends their text to the
// model. The built-in list plus `bitnet.inline.sensitiveFiles` from settings.
//
// Patterns are globs matched by picomatch, case-insensitively: one without a
// `/` matches the file's base name anywhere (`*.pem`), one with a `/` matches
// the end of the path (`.kube/config`, `**/.ssh/**`). `*`, `?`, `**` and
// `[...]` are wildcards; every other character is literal.
//
// The setting can come from a workspace's settings, and glob libraries compile
// whole patterns to backtracking regular expressions (picomatch takes seconds
// on `*a*a*a*a*a*a*a*a*b` and a 40-character name, and on `**/*a*/**/*a*b`
// and a deep path), so the work is bounded here. picomatch matches one path
// segment at a time, against a pattern segment with at most
// MAX_STARS_PER_SEGMENT `*` runs (a segment is at most MAX_NAME_LENGTH long,
// so that is microseconds); `**` is matched across segments by the classic
// greedy two-pointer wildcard walk, O(path segments × pattern segments) with no
// backtracking blow-up. Patterns outside the bounds are ignored and reported
// (patternProblems), and a path no file system allows counts as sensitive.
import picomatch from 'picomatch';

/**
 * The built-in list, each group from the documentation of the tool that
 * writes or reads those files.
 */
export const SENSITIVE_FILES: readonly string[] = [
  // dotenv (the .env convention), direnv (`.envrc`)
  '.env', '.env.*', '*.env', '.envrc',
  // OpenSSH ssh(1)/sshd(8) FILES: keys in ~/.ssh (id_rsa, id_ecdsa, id_ecdsa_sk,
  // id_ed25519, id_ed25519_sk, id_dsa), the host keys; PuTTY's .ppk keys
  '**/.ssh/**', 'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*', 'ssh_host_*_key', '*.ppk',
  // Private keys and key stores: PEM/PKCS#8 (OpenSSL), PKCS#12, Java keytool
  '*.pem', '*.key', '*.p8', '*.p12', '*.pfx', '*.jks', '*.keystore',
  // GnuPG (~/.gnupg, secret keyrings), pass (~/.password-store), KeePass, macOS keychains
  '**/.gnupg/**', 'secring.*', '*.gpg', '**/.password-store/**', '*.kdbx', '*.kdb', '*.keychain', '*.keychain-db',
  // Package registry tokens: npm, Yarn 2+, PyPI (.pypirc), RubyGems, Cargo, Composer, Maven
  '.npmrc', '.yarnrc.yml', '.pypirc', '**/.gem/credentials', '**/.cargo/credentials', '**/.cargo/credentials.toml',
  'auth.json', '**/.m2/settings.xml', '**/.m2/settings-security.xml',
  // Git credential store (git-credential-store), netrc (curl, ftp; `_netrc` on Windows), GitHub CLI
  '.git-credentials', '**/git/credentials', '.netrc', '_netrc', '**/gh/hosts.yml',
  // Databases: PostgreSQL libpq password file, MySQL option and login-path files
  '.pgpass', 'pgpass.conf', '.my.cnf', '.mylogin.cnf',
  // Cloud CLIs: AWS (~/.aws/credentials, config), Azure (~/.azure), Google Cloud
  // (gcloud's folder, application default credentials, OAuth client secrets,
  // service-account key files), s3cmd, boto
  '**/.aws/credentials', '**/.aws/config', '**/.azure/**', '**/gcloud/**', 'application_default_credentials.json',
  'client_secret*.json', '*service?account*.json', 'credentials.json', '.s3cfg', '.boto',
  // Containers and clusters: Docker's credential file, kubectl's kubeconfig
  '**/.docker/config.json', '.dockercfg', '**/.kube/config', 'kubeconfig', '*.kubeconfig',
  // Terraform: state (holds resource secrets), variable files, CLI credentials; Vault's token helper
  '*.tfstate', '*.tfstate.backup', '*.tfvars', '*.tfvars.json', '.terraformrc', 'terraform.rc', 'credentials.tfrc.json',
  '.vault-token',
  // Web and VPN: Apache's password files, OpenVPN profiles, WireGuard configs
  '.htpasswd', '*.ovpn', '**/wireguard/*.conf',
  // Framework secrets: Rails master key, Azure Functions local settings
  'master.key', 'local.settings.json',
  // Shell and REPL histories (bash HISTFILE, zsh, psql, mysql, python, node): typed passwords
  '.*_history',
  // Generic names
  'credentials', 'credentials.*', 'secrets.*', '*.secret', '*.secrets', '.secrets',
];

export const MAX_PATTERN_LENGTH = 256;
export const MAX_STARS_PER_SEGMENT = 2;
/** PATH_MAX on Linux; longer paths are not real files. */
export const MAX_PATH_LENGTH = 4096;
/** NAME_MAX on Linux, macOS and Windows. */
export const MAX_NAME_LENGTH = 255;

export interface PatternProblem {
  pattern: string;
  reason: string;
}

/** A compiled pattern: tests on single path segments, GLOBSTAR for `**`. */
type SegmentTest = (segment: string) => boolean;
const GLOBSTAR = 'globstar';
type Compiled = { segments: (SegmentTest | typeof GLOBSTAR)[]; baseName: boolean };

const OPTIONS: picomatch.PicomatchOptions = { dot: true, nocase: true, nobrace: true, noextglob: true };
/** Compiled patterns by text; the settings list rarely changes, so this stays small. */
const compiled = new Map<string, Compiled | PatternProblem>();
const MAX_CACHED = 1000;

/** Whether inline completion must stay out of `fileName` (a path, `/` or `\` separated). */
export function isSensitive(fileName: string, extra: readonly string[] = []): boolean {
  const path = fileName.replace(/\\/g, '/');
  const segments = path.split('/');
  if (path.length > MAX_PATH_LENGTH || segments.some((segment) => segment.length > MAX_NAME_LENGTH)) return true;
  const base = segments.slice(-1);
  for (const pattern of [...SENSITIVE_FILES, ...extra]) {
    const c = compile(pattern);
    if ('segments' in c && matchSegments(c.segments, c.baseName ? base : segments)) return true;
  }
  return false;
}

/** Patterns from settings that are ignored, and why (for the log). */
export function patternProblems(patterns: readonly string[]): PatternProblem[] {
  return patterns.map(compile).filter((c): c is PatternProblem => 'reason' in c);
}

function compile(pattern: unknown): Compiled | PatternProblem {
  if (typeof pattern !== 'string') return { pattern: String(pattern), reason: 'it is not a string' };
  const cached = compiled.get(pattern);
  if (cached) return cached;
  const result = build(pattern);
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(pattern, result);
  return result;
}

function build(pattern: string): Compiled | PatternProblem {
  const problem = (reason: string): PatternProblem => ({ pattern, reason });
  const glob = pattern.trim().replace(/\\/g, '/');
  if (glob === '') return problem('it is empty');
  if (glob.length > MAX_PATTERN_LENGTH) return problem(`it is longer than ${MAX_PATTERN_LENGTH} characters`);
  const baseName = !glob.includes('/');
  // A pattern with a `/` matches the end of the path unless it starts at the root or with `**`.
  const parts = (baseName || glob.startsWith('/') || glob.startsWith('**/') ? glob : `**/${glob}`).split('/');
  if (parts.some((s) => s !== '**' && (s.match(/\*+/g)?.length ?? 0) > MAX_STARS_PER_SEGMENT)) {
    return problem(`it has more than ${MAX_STARS_PER_SEGMENT} "*" between two "/"`);
  }
  const segments = parts.map((part) => {
    if (part === '**') return GLOBSTAR;
    if (part === '') return (segment: string) => segment === ''; // the root of an absolute pattern
    // Characters picomatch would read as groups, alternations, braces or negation stay literal.
    return picomatch(part.replace(/[(){}|!+@]/g, '\\$&'), OPTIONS);
  });
  return { segments, baseName };
}

/**
 * The greedy wildcard walk over path segments: `**` is the wildcard, every
 * other pattern segment tests exactly one path segment. On a mismatch it only
 * moves the last `**` on by one segment, so the work is at most
 * segments × pattern segments tests.
 */
function matchSegments(pattern: Compiled['segments'], path: readonly string[]): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < path.length) {
    const test = pattern[p];
    if (test === GLOBSTAR) {
      starP = p++;
      starS = s;
    } else if (test !== undefined && test(path[s]!)) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else {
      return false;
    }
  }
  while (pattern[p] === GLOBSTAR) p++;
  return p === pattern.length;
}
