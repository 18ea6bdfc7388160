import Foundation
import Hummingbird

// The HTTP floor of the benchmarks: a POST route on the same Hummingbird stack as Trent that reads the request
// body and answers a fixed JSON body, so Trent's own cost per request is what it adds to this.
// Usage: trent-floor [port] (0 picks a free one); prints "floor listening on http://127.0.0.1:PORT".
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 0 : 0
let reply = ByteBuffer(
    string: #"{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/bc436485-5092-42b8-92a3-0aa8b93536dc","#
        + #""CiphertextBlob":"AQEDAHhQ0q2hHcm4c2aXVmF5U3RyaW5nT2ZBUmVhc29uYWJsZUxlbmd0aA==","#
        + #""EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}"#)
let router = Router()
router.post("/") { request, _ -> Response in
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(
        status: .ok, headers: [.contentType: "application/x-amz-json-1.1"], body: ResponseBody(byteBuffer: reply))
}
let app = Application(
    router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
    onServerRunning: { channel in
        FileHandle.standardOutput.write(
            Data("floor listening on http://127.0.0.1:\(channel.localAddress?.port ?? port)\n".utf8))
    })
try await app.runService()
