import { describe, expect, it } from 'vitest';
import { configKeys, read } from './repository.js';

describe('the READMEs', () => {
  it('document every variable each app reads, where that app is described', () => {
    const describedIn: Record<string, string> = {
      'apps/api/src/config.ts': 'README.md',
      'apps/matching-engine/src/config.ts': 'apps/matching-engine/README.md',
      'apps/web/config.ts': 'apps/web/README.md',
      'apps/simulator/src/config.ts': 'apps/simulator/README.md',
      'apps/stack/src/config.ts': 'apps/stack/README.md',
    };
    for (const [configFile, readme] of Object.entries(describedIn)) {
      const text = read(readme);
      const keys = [...configKeys(configFile)];
      expect(keys.length, configFile).toBeGreaterThan(2);
      const missing = keys.filter((key) => !text.includes(`\`${key}\``) && !text.includes(`\`${key}=`));
      expect(missing, `read by ${configFile}, not in ${readme}`).toEqual([]);
    }
  });
});
