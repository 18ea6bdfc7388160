import Foundation
import HTTPTypes
import Hummingbird
import TrentCore
import TrentOperations

/// `/admin/faults` (development mode only): add a fault rule (POST, a JSON rule), list the rules in force (GET),
/// remove one (DELETE /admin/faults/ID) or all (DELETE).
enum FaultRoutes {
    static func add(to router: Router<TrentRequestContext>, kms: KMS, authentication: Authentication) {
        router.post("/admin/faults") { request, _ -> Response in
            guard authentication.isDevelopment else { return AdminRoutes.refused() }
            let body = try await request.body.collect(upTo: 16 << 10)
            let spec: FaultRules.Spec
            do {
                spec = try JSONDecoder().decode(FaultRules.Spec.self, from: Data(body.readableBytesView))
            } catch {
                return AdminRoutes.json(
                    .badRequest, ["__type": "ValidationException", "message": "The body must be a fault rule (JSON)."])
            }
            do throws(KMSError) {
                let rule = try kms.faults.add(spec, now: kms.clock.now())
                return encoded(.ok, ["Rule": rule])
            } catch {
                return AdminRoutes.json(.badRequest, ["__type": error.code.rawValue, "message": error.message])
            }
        }
        router.get("/admin/faults") { _, _ -> Response in
            guard authentication.isDevelopment else { return AdminRoutes.refused() }
            return encoded(.ok, ["Rules": kms.faults.list(now: kms.clock.now())])
        }
        router.delete("/admin/faults") { _, _ -> Response in
            guard authentication.isDevelopment else { return AdminRoutes.refused() }
            kms.faults.clear()
            return AdminRoutes.json(.ok, ["cleared": true])
        }
        router.delete("/admin/faults/:id") { _, context -> Response in
            guard authentication.isDevelopment else { return AdminRoutes.refused() }
            let id = context.parameters.get("id") ?? ""
            guard kms.faults.remove(id) else {
                return AdminRoutes.json(.notFound, ["__type": "NotFoundException", "message": "No fault rule \(id)."])
            }
            return AdminRoutes.json(.ok, ["removed": id])
        }
    }

    private static func encoded<T: Encodable>(_ status: HTTPResponse.Status, _ value: [String: T]) -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(value)) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
