import { describe, expect, it } from 'vitest';
import { isAppUrl, isExternalLink } from '../../electron/core/security/appUrl';

const index = '/opt/Switchyard/resources/app/dist/renderer/index.html';

describe('which pages a desktop window trusts', () => {
  it('trusts only the built index.html, with any query or hash', () => {
    expect(isAppUrl('file:///opt/Switchyard/resources/app/dist/renderer/index.html', index)).toBe(true);
    expect(isAppUrl('file:///opt/Switchyard/resources/app/dist/renderer/index.html#/task/1', index)).toBe(true);
  });

  it('refuses other files, other hosts, other schemes and garbage', () => {
    for (const url of [
      'file:///etc/passwd',
      'file:///opt/Switchyard/resources/app/dist/renderer/other.html',
      'file://evil.test/opt/Switchyard/resources/app/dist/renderer/index.html',
      'https://evil.test/opt/Switchyard/resources/app/dist/renderer/index.html',
      'http://127.0.0.1:7821/',
      'javascript:alert(1)',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url, index), url).toBe(false);
    }
  });

  it('hands only https links to the user browser', () => {
    expect(isExternalLink('https://github.com/')).toBe(true);
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'ms-settings:', 'nope']) {
      expect(isExternalLink(url), url).toBe(false);
    }
  });
});
