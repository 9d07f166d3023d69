using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Local;

// Appends images to the log at args[0] for bundle args[1] until killed, printing "ack <id>" after each
// Append returns: every printed id was acknowledged and must survive the kill.
using var log = GalleryLog.Open(args[0], args[1]);
var payload = new byte[4096];
for (int i = 0; ; i++)
{
    string id = $"img-{i}";
    payload.AsSpan().Fill((byte)i);
    log.Append(GalleryRecord.AddImage(id, payload, "{}"));
    Console.Out.WriteLine($"ack {id}");
    Console.Out.Flush();
}
