import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { defaultSettings, type Finding } from '../../../src/core/types.js';

/**
 * Issue 9, fourth round: each case failed before its fix. Values are made up for these tests,
 * drawn from each provider's documented shape, except the published example keys named as such.
 */
const scan = (content: string, path = 'app/settings.env'): Finding[] => scanSecrets({ path, content }, defaultSettings());
const ids = (content: string, path?: string): string[] => scan(content, path).map((f) => f.detector ?? f.rule);

describe('Braintree 32-hex private keys', () => {
  it('are reported: `tree` inside `braintree` is not a git tree', () => {
    expect(ids('BRAINTREE_PRIVATE_KEY=9c1e5a7b3f2d48e6a0b7c4d1e8f2a6b3')).toEqual(['braintree-private-key']);
    expect(ids('  braintreeKey := "4b8e2f6a1c9d3e7b5a0f8c2d6e4a1b9f"', 'pay/client.go')).toEqual(['braintree-private-key']);
  });

  it('a 32-hex value beside a git tree is still a digest', () => {
    const digests = ['tree_sha = "9c1e5a7b3f2d48e6a0b7c4d1e8f2a6b3"', 'treeHash: 4b8e2f6a1c9d3e7b5a0f8c2d6e4a1b9f', 'GIT_TREE_TOKEN=4b8e2f6a1c9d3e7b5a0f8c2d6e4a1b9f'];
    for (const line of digests) expect(ids(line), line).toEqual([]);
  });
});

describe('published Firebase SDK example API keys', () => {
  it('are documented examples, not findings; another key of the same format still is one', () => {
    // From the Firebase SDKs' own tests (API key format checks), copied into many repositories.
    expect(ids('GOOGLE_API_KEY=AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs')).toEqual([]);
    expect(ids('  .setApiKey("AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE")', 'app/src/test/java/OptionsTest.java')).toEqual([]);
    expect(ids('GOOGLE_API_KEY=AIzaSyQk7Vx2Lm9Rt4Wp8Bs1Hd6Nc3Fy5Jg0Ze2')).toEqual(['gcp-api-key']);
  });
});

describe('a `#` inside a quoted key', () => {
  it('is part of the value when the value carries digits like a key, a type reference when it reads like names', () => {
    expect(ids("    'secret_key' => 'sk_4gXnZgDedtS9F0#I0ATNhnySU_9e1',", 'wp-content/plugins/acme/init.php')).toEqual(['generic-secret']);
    expect(ids("api_key = 'java.util.List#add'", 'docs/conf.py')).toEqual([]);
    expect(ids("token = 'com.acme.TokenService#refreshToken2'", 'src/main.py')).toEqual([]);
  });
});
