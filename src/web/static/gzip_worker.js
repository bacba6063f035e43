// The export's compressor, on a thread of its own (src/web/files.rs,
// `Gzip`): the page writes the next piece of the file's text
// while this worker compresses the ones before, so on two cores the two
// halves of an export overlap instead of adding up.
//
// In:  each piece as an ArrayBuffer (moved, not copied), then null.
// Out: "ready" once listening; "taken" as each piece is compressed; at the
//      end the compressed file as a Blob; { error } if compressing fails.
'use strict';
const deflate = new CompressionStream('gzip');
const writer = deflate.writable.getWriter();
const packed = new Response(deflate.readable).blob();
let failed = false;

function fail(e) {
  if (failed) return;
  failed = true;
  postMessage({ error: String(e) });
}

onmessage = async ({ data }) => {
  if (failed) return;
  try {
    if (data === null) {
      await writer.close();
      postMessage(await packed);
      close();
    } else {
      // Writes queue in the order they arrive, even while one is pending.
      await writer.write(new Uint8Array(data));
      postMessage('taken');
    }
  } catch (e) {
    fail(e);
  }
};
postMessage('ready');
