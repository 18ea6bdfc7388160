import Foundation
import HTTPTypes
import Hummingbird
import TrentCore
import TrentOperations

/// Development-mode test controls: move Trent's clock forward (running the deletion sweep and automatic
/// rotation at once) and reset all state. Refused whenever authentication is on.
enum AdminRoutes {
    static func add(to router: Router<TrentRequestContext>, dispatcher: Dispatcher, authentication: Authentication) {
        let kms = dispatcher.kms
        router.post("/admin/clock") { request, _ -> Response in
            guard authentication.isDevelopment else { return refused() }
            let body = try await request.body.collect(upTo: 4096)
            struct Advance: Decodable { var advanceSeconds: Double? }
            guard let advance = try? JSONDecoder().decode(Advance.self, from: Data(body.readableBytesView)),
                let seconds = advance.advanceSeconds, seconds >= 0, seconds.isFinite
            else {
                return json(
                    .badRequest, ["__type": "ValidationException", "message": "Send {\"advanceSeconds\": N} with N >= 0."])
            }
            kms.clock.advance(by: seconds)
            let deleted = try await DeletionSweeper(kms: kms).sweep()
            let rotated = try await AutomaticRotation(kms: kms).rotateDueKeys()
            let expired = try await ImportedMaterialExpiry(kms: kms).expire()
            return json(
                .ok,
                [
                    "now": kms.clock.now().timeIntervalSince1970, "deletedKeys": deleted.map(\.description),
                    "rotatedKeys": rotated.map(\.description), "expiredMaterialKeys": expired.map(\.description),
                ])
        }
        router.post("/admin/reset") { _, _ -> Response in
            guard authentication.isDevelopment else { return refused() }
            try await kms.reset()
            return json(.ok, ["reset": true])
        }
        // moto's server-mode reset, so a moto test suite can point at Trent unchanged.
        router.post("/moto-api/reset") { _, _ -> Response in
            guard authentication.isDevelopment else { return refused() }
            try await kms.reset()
            kms.faults.clear()
            return json(.ok, ["status": "ok"])
        }
        FaultRoutes.add(to: router, kms: kms, authentication: authentication)
    }

    static func refused() -> Response {
        json(
            .forbidden,
            ["__type": "AccessDeniedException", "message": "The admin endpoints exist only in development mode (--auth none)."])
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
