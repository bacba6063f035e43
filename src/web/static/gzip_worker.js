// One of the export's compressors, on a thread of its own (src/web/files.rs,
// `Gzip`): the page writes the next pieces of the file's text while two of
// these compress the stretches before, each stretch a gzip member of its
// own, so on two cores writing and compressing overlap instead of adding up.
//
// In:  each piece of the current member as a Uint8Array (its buffer moved,
//      not copied); the member's number at its end.
// Out: "ready:members" once listening (a page that expects this worker's
//      earlier messages, or a worker of them cached for this page, is then
//      told apart); each piece's buffer, moved back once the piece is
//      written, for the page to fill again; { member, packed } (its number,
//      the compressed member as a Blob) after each end; { error } if
//      compressing fails. Members may finish out of order (a short one
//      closes sooner), hence their numbers. The page stops the worker when
//      the file is done.
'use strict';
let member = null;
let failed = false;

function fail(e) {
  if (failed) return;
  failed = true;
  postMessage({ error: String(e) });
}

function startMember() {
  const deflate = new CompressionStream('gzip');
  return {
    writer: deflate.writable.getWriter(),
    packed: new Response(deflate.readable).blob(),
  };
}

onmessage = async ({ data }) => {
  if (failed) return;
  try {
    if (typeof data === 'number') {
      const done = member ?? startMember();
      member = null;
      await done.writer.close();
      postMessage({ member: data, packed: await done.packed });
    } else {
      member ??= startMember();
      // Writes queue in the order they arrive, even while one is pending.
      // A write settles once the stream has taken the piece's bytes
      // (Compression Streams: the transform has run), so its buffer can go
      // back; holding them to the member's end would hold the whole text
      // of a one-member file.
      await member.writer.write(data);
      postMessage(data.buffer, [data.buffer]);
    }
  } catch (e) {
    fail(e);
  }
};
postMessage('ready:members');
