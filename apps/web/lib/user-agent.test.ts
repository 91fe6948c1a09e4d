import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './user-agent';

describe('a User-Agent in a few words', () => {
  it('names the browser and the system', () => {
    const agents: Array<[string, string]> = [
      [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/141.0 Safari/537.36',
        'Chrome · Linux',
      ],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/141.0 Safari/537.36 Edg/141.0',
        'Edge · Windows',
      ],
      [
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/18.0 Safari/605.1.15',
        'Safari · macOS',
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 CriOS/141.0 Mobile',
        'Chrome · iOS',
      ],
      [
        'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/141.0 Mobile Safari/537.36',
        'Chrome · Android',
      ],
      ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0', 'Firefox · Linux'],
      ['curl/8.5.0', 'curl'],
    ];
    for (const [agent, words] of agents) expect(describeUserAgent(agent), agent).toBe(words);
  });

  it('says nothing of no agent, and shows an unknown one as it is, cut short', () => {
    expect(describeUserAgent(null)).toBeNull();
    expect(describeUserAgent('  ')).toBeNull();
    expect(describeUserAgent('my-trading-robot/2.1 (+https://example.test/bot)')).toBe(
      'my-trading-robot/2.1 (+https://example.t',
    );
  });
});
