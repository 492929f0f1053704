import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_NAME_LENGTH,
  MAX_PATTERN_LENGTH,
  SENSITIVE_FILES,
  isSensitive,
  patternProblems,
} from '../../src/completion/sensitive-files';

/** A real path for every built-in pattern; the test below keeps the two lists equal. */
const EXAMPLES: Record<string, string> = {
  '.env': '/w/app/.env',
  '.env.*': '/w/app/.env.production',
  '*.env': '/w/app/docker.env',
  '.envrc': '/w/app/.envrc',
  '**/.ssh/**': '/home/u/.ssh/config',
  'id_rsa*': '/home/u/backup/id_rsa',
  'id_dsa*': '/home/u/backup/id_dsa',
  'id_ecdsa*': '/home/u/keys/id_ecdsa_sk',
  'id_ed25519*': '/home/u/keys/id_ed25519',
  'ssh_host_*_key': '/etc/ssh/ssh_host_ecdsa_key',
  '*.ppk': 'C:\\Users\\u\\putty\\server.ppk',
  '*.pem': 'C:\\keys\\server.PEM',
  '*.key': '/w/certs/server.key',
  '*.p8': '/w/apple/AuthKey_ABC123.p8',
  '*.p12': '/w/certs/client.p12',
  '*.pfx': '/w/certs/site.pfx',
  '*.jks': '/w/android/release.jks',
  '*.keystore': '/w/android/debug.keystore',
  '**/.gnupg/**': '/home/u/.gnupg/private-keys-v1.d/ABCD.key',
  'secring.*': '/home/u/old/secring.gpg',
  '*.gpg': '/w/secrets/prod.yaml.gpg',
  '**/.password-store/**': '/home/u/.password-store/email/work.txt',
  '*.kdbx': '/home/u/Passwords.kdbx',
  '*.kdb': '/home/u/old.kdb',
  '*.keychain': '/Users/u/Library/Keychains/login.keychain',
  '*.keychain-db': '/Users/u/Library/Keychains/login.keychain-db',
  '.npmrc': '/w/app/.npmrc',
  '.yarnrc.yml': '/w/app/.yarnrc.yml',
  '.pypirc': '/home/u/.pypirc',
  '**/.gem/credentials': '/home/u/.gem/credentials',
  '**/.cargo/credentials': '/home/u/.cargo/credentials',
  '**/.cargo/credentials.toml': '/home/u/.cargo/credentials.toml',
  'auth.json': '/w/php/auth.json',
  '**/.m2/settings.xml': '/home/u/.m2/settings.xml',
  '**/.m2/settings-security.xml': '/home/u/.m2/settings-security.xml',
  '.git-credentials': '/home/u/.git-credentials',
  '**/git/credentials': '/home/u/.config/git/credentials',
  '.netrc': '/home/u/.netrc',
  '_netrc': 'C:\\Users\\u\\_netrc',
  '**/gh/hosts.yml': '/home/u/.config/gh/hosts.yml',
  '.pgpass': '/home/u/.pgpass',
  'pgpass.conf': 'C:\\Users\\u\\AppData\\Roaming\\postgresql\\pgpass.conf',
  '.my.cnf': '/home/u/.my.cnf',
  '.mylogin.cnf': '/home/u/.mylogin.cnf',
  '**/.aws/credentials': '/home/u/.aws/credentials',
  '**/.aws/config': 'C:\\Users\\u\\.aws\\config',
  '**/.azure/**': '/home/u/.azure/msal_token_cache.json',
  '**/gcloud/**': '/home/u/.config/gcloud/credentials.db',
  'application_default_credentials.json': '/w/app/application_default_credentials.json',
  'client_secret*.json': '/w/app/client_secret_1234.apps.googleusercontent.com.json',
  '*service?account*.json': '/w/deploy/my-project-service-account-key.json',
  'credentials.json': '/w/app/credentials.json',
  '.s3cfg': '/home/u/.s3cfg',
  '.boto': '/home/u/.boto',
  '**/.docker/config.json': '/home/u/.docker/config.json',
  '.dockercfg': '/home/u/.dockercfg',
  '**/.kube/config': '/home/u/.kube/config',
  kubeconfig: '/w/cluster/kubeconfig',
  '*.kubeconfig': '/w/cluster/admin.kubeconfig',
  '*.tfstate': '/w/infra/terraform.tfstate',
  '*.tfstate.backup': '/w/infra/terraform.tfstate.backup',
  '*.tfvars': '/w/infra/prod.tfvars',
  '*.tfvars.json': '/w/infra/prod.tfvars.json',
  '.terraformrc': '/home/u/.terraformrc',
  'terraform.rc': 'C:\\Users\\u\\AppData\\Roaming\\terraform.rc',
  'credentials.tfrc.json': '/home/u/.terraform.d/credentials.tfrc.json',
  '.vault-token': '/home/u/.vault-token',
  '.htpasswd': '/var/www/.htpasswd',
  '*.ovpn': '/home/u/vpn/office.ovpn',
  '**/wireguard/*.conf': '/etc/wireguard/wg0.conf',
  'master.key': '/w/rails/config/master.key',
  'local.settings.json': '/w/functions/local.settings.json',
  '.*_history': '/home/u/.psql_history',
  credentials: '/w/app/credentials',
  'credentials.*': '/w/app/credentials.yml',
  'secrets.*': '/w/app/config/secrets.yaml',
  '*.secret': '/w/app/api.secret',
  '*.secrets': '/w/app/ci.secrets',
  '.secrets': '/w/app/.secrets',
};

test('every built-in pattern has an example path, and the list has no duplicates', () => {
  assert.deepEqual([...SENSITIVE_FILES].sort(), Object.keys(EXAMPLES).sort());
  assert.equal(new Set(SENSITIVE_FILES).size, SENSITIVE_FILES.length);
});

for (const [pattern, example] of Object.entries(EXAMPLES)) {
  test(`the built-in pattern ${pattern} keeps completion out of ${example}`, () => {
    assert.equal(isSensitive(example), true);
    assert.deepEqual(patternProblems([pattern]), [], 'the built-in pattern is within the bounds');
  });
}

test('common secret files from the hardening report are covered', () => {
  for (const file of [
    '/home/u/.pgpass', '/home/u/.kube/config', '/home/u/vault.kdbx', '/home/u/.docker/config.json', '/w/terraform.tfstate',
    '/w/gcp-service-account.json', '/var/www/.htpasswd', '/w/server.key', '/home/u/.ssh/id_ecdsa', '/home/u/.ssh/known_hosts',
    '/home/u/client.ovpn',
  ]) {
    assert.equal(isSensitive(file), true, file);
  }
});

test('ordinary source files are not treated as secrets', () => {
  for (const file of [
    '/w/src/environment.ts', '/w/src/envelope.py', '/w/src/keyboard.ts', '/w/src/monkey.rs', '/w/docs/credentials-guide.md',
    '/w/src/secrets_test.go.txt', '/w/src/config.json', '/w/.github/workflows/ci.yml', '/w/infra/main.tf', '/w/README.md',
    '/w/src/ssh_client.py', '/w/src/kube/deployment.yaml', '/w/docker/Dockerfile', '/w/src/id.ts', 'Untitled-1',
  ]) {
    assert.equal(isSensitive(file), false, file);
  }
});

test('patterns from settings match base names, path endings and "**" paths, case-insensitively', () => {
  assert.equal(isSensitive('/w/prod.TFVARS.txt', ['*.tfvars.txt']), true);
  assert.equal(isSensitive('/w/config/app.secret.json', ['config/*.secret.json']), true);
  assert.equal(isSensitive('C:\\w\\deploy\\keys\\a\\b.txt', ['**/deploy/keys/**']), true);
  assert.equal(isSensitive('/w/other/app.secret.json', ['config/*.secret.json']), false);
  assert.equal(isSensitive('/w/src/main.ts', ['*.tfvars.txt', 'config/*.secret.json']), false);
});

test('brackets are wildcards, and parentheses, braces, bars and "!" are literal characters', () => {
  assert.equal(isSensitive('/w/key1.txt', ['key[0-9].txt']), true);
  assert.equal(isSensitive('/w/a.txt', ['(a|b).txt']), false);
  assert.equal(isSensitive('/w/(a|b).txt', ['(a|b).txt']), true);
  assert.equal(isSensitive('/w/a.txt', ['{a,b}.txt']), false);
  assert.equal(isSensitive('/w/main.ts', ['!*.md']), false, 'a leading "!" is not a negation that matches everything else');
});

test('a pattern with too many wildcards is ignored and reported, and checking stays fast', () => {
  const hostile = '*a*a*a*a*a*a*a*a*b';
  assert.deepEqual(patternProblems([hostile, 'x'.repeat(MAX_PATTERN_LENGTH + 1), '', '*.ok']).map((p) => p.pattern), [
    hostile, 'x'.repeat(MAX_PATTERN_LENGTH + 1), '',
  ]);
  assert.match(patternProblems([hostile])[0].reason, /more than 2 "\*"/);
  const started = performance.now();
  assert.equal(isSensitive(`/w/${'a'.repeat(43)}`, [hostile]), false);
  assert.ok(performance.now() - started < 1000, 'the hostile pattern was not run');
});

test('the worst patterns within the bounds on the worst names take milliseconds, not seconds', () => {
  const patterns = ['*a*b', '**/*a*/**/*a*b', '**/a*a/a*a/a*a/a*a/a*b', '?*?*?b', '**/[a]*[a]*b', '**/a/**/*b'];
  const names = [`/${'a'.repeat(MAX_NAME_LENGTH)}`, `/${'a/'.repeat(2000)}`, `/${`${'a'.repeat(250)}/`.repeat(16)}`];
  for (const name of names) {
    const started = performance.now();
    isSensitive(name, patterns);
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms for a ${name.length}-character path`);
  }
});

test('a path no file system allows (a 256-character name, a 5000-character path) is skipped as sensitive', () => {
  assert.equal(isSensitive(`/w/${'a'.repeat(MAX_NAME_LENGTH + 1)}.ts`), true);
  assert.equal(isSensitive(`/w${'/abc'.repeat(1250)}.ts`), true);
  assert.equal(isSensitive(`/w/${'a'.repeat(MAX_NAME_LENGTH - 3)}.ts`), false);
});

test('patterns from settings that are not strings are ignored, not thrown on', () => {
  assert.equal(isSensitive('/w/src/main.ts', [42 as unknown as string, null as unknown as string]), false);
});
