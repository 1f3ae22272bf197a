import Koa from 'koa';
import { startApiServer } from '../../api/server';
import { loadConfig } from '../../config';

describe('HOST (contract §1)', () => {
  it('defaults to the loopback and refuses what is not an address', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(() => loadConfig({ HOST: 'http://example' })).toThrow(/HOST/);
  });

  it('the API listens on every interface with 0.0.0.0 and is reached through the loopback', async () => {
    const app = new Koa();
    app.use((ctx) => {
      ctx.body = 'up';
    });
    const api = await startApiServer(app, 0, '0.0.0.0');
    try {
      expect(api.server.address()).toMatchObject({ address: '0.0.0.0' });
      expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
      expect(await (await fetch(api.url)).text()).toBe('up');
    } finally {
      await api.close();
    }
  });
});
