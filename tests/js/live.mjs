// What the live-update tests share: a service on a writable copy of the small feed, ready
// (its startup import done), and the one change they make: a new group in the feed, imported
// by the operator mutation `runImport`, as an operator would trigger it.
import assert from 'node:assert/strict';
import { feedCopy, meetingGuideSource, OPERATOR_TOKEN, post, startService, untilReady } from './server.mjs';

export const NEW_GROUP = 'Harbour Lights';

export async function startLive() {
  const feed = feedCopy('sepa-small.json');
  const service = await startService(meetingGuideSource('sepa', feed.path));
  await untilReady(service.url);
  return {
    url: service.url,
    async addGroupAndImport() {
      feed.write([
        ...feed.rows,
        { name: NEW_GROUP, slug: 'hl-1', day: 2, time: '18:30',
          formatted_address: '10 Harbour St, Media, PA 19063, USA', latitude: 39.9168, longitude: -75.3877 },
      ]);
      const body = await post(
        service.url,
        { query: 'mutation { runImport(sourceId: "sepa") { outcome counts { added } } }' },
        { authorization: `Bearer ${OPERATOR_TOKEN}` },
      );
      assert.deepEqual(body.errors ?? [], []);
      assert.equal(body.data.runImport.outcome, 'SUCCEEDED');
    },
    async stop() {
      await service.stop();
      feed.remove();
    },
  };
}
