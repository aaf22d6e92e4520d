import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('has working defaults for the embedded setup', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, role: 'all', devAuth: false, seedDemo: 'auto', database: { url: null } });
    expect(c.apiUrl).toBe('http://127.0.0.1:3000');
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it('names every bad variable and its value', () => {
    try {
      loadConfig({ PORT: 'eighty', ROLE: 'chef', DATABASE_URL: 'mysql://x', DEV_AUTH: 'maybe' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const message = (e as Error).message;
      for (const name of ['PORT="eighty"', 'ROLE="chef"', 'DATABASE_URL="mysql://x"', 'DEV_AUTH="maybe"']) {
        expect(message).toContain(name);
      }
    }
  });

  it('lets command-line flags override the environment', () => {
    expect(loadConfig({ ROLE: 'web' }, { ROLE: 'api' }).role).toBe('api');
  });

  it('serves /metrics on PORT unless METRICS_PORT names a port of its own', () => {
    expect(loadConfig({}).metricsPort).toBeNull();
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(() => loadConfig({ PORT: '3000', METRICS_PORT: '3000' })).toThrow('METRICS_PORT="3000": must differ from PORT');
    expect(() => loadConfig({ METRICS_PORT: 'metrics' })).toThrow('METRICS_PORT="metrics": must be a port number');
  });

  it('reads MCP_ALLOWED_ORIGINS as a list of origins, and refuses anything else', () => {
    expect(loadConfig({}).mcp.allowedOrigins).toEqual([]);
    expect(loadConfig({ MCP_ALLOWED_ORIGINS: 'https://claude.ai, http://localhost:6274' }).mcp.allowedOrigins).toEqual([
      'https://claude.ai',
      'http://localhost:6274',
    ]);
    expect(() => loadConfig({ MCP_ALLOWED_ORIGINS: 'https://claude.ai/chat' })).toThrow(/MCP_ALLOWED_ORIGINS/);
    expect(() => loadConfig({ MCP_ALLOWED_ORIGINS: '*' })).toThrow(/MCP_ALLOWED_ORIGINS/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });
});
