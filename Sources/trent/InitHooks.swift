import ArgumentParser
import Foundation
import Logging
import TrentCore
import TrentOperations
import Yams

/// `--init-dir DIR`: once Trent answers, the executable files of DIR/ready.d run one after another in name order
/// (LocalStack's `/etc/localstack/init/ready.d` layout), with the endpoint, the Region and dummy credentials in
/// their environment. A failing script is reported; with `--init-strict` it stops Trent.
struct InitHooks: Sendable {
    let scripts: [URL]
    let strict: Bool
    let logger: Logger

    init(directory: String, strict: Bool, logger: Logger) throws {
        let ready = URL(fileURLWithPath: directory).appendingPathComponent("ready.d")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: ready.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--init-dir \(directory) has no ready.d directory")
        }
        scripts = try FileManager.default.contentsOfDirectory(atPath: ready.path).sorted()
            .map { ready.appendingPathComponent($0) }
            .filter { FileManager.default.isExecutableFile(atPath: $0.path) && !$0.hasDirectoryPath }
        self.strict = strict
        self.logger = logger
    }

    func run(endpoint: String, region: String) async {
        var environment = ProcessInfo.processInfo.environment
        environment["AWS_ENDPOINT_URL"] = endpoint
        environment["AWS_ENDPOINT_URL_KMS"] = endpoint
        environment["AWS_REGION"] = region
        environment["AWS_DEFAULT_REGION"] = region
        environment["AWS_ACCESS_KEY_ID"] = "test"
        environment["AWS_SECRET_ACCESS_KEY"] = "test"
        for script in scripts {
            let process = Process()
            process.executableURL = script
            process.currentDirectoryURL = script.deletingLastPathComponent()
            process.environment = environment
            let status: Int32
            do {
                try process.run()
                process.waitUntilExit()
                status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
            } catch {
                status = -1
            }
            if status == 0 {
                logger.info("init script \(script.lastPathComponent) finished")
                continue
            }
            FileHandle.standardError.write(Data("init script \(script.path) failed (status \(status))\n".utf8))
            if strict {
                FileHandle.standardError.write(Data("stopping: --init-strict\n".utf8))
                exit(3)
            }
        }
        FileHandle.standardOutput.write(Data("init scripts done (\(scripts.count) in ready.d)\n".utf8))
    }
}

extension Serve {
    /// `--quotas aws` or a file of rates.
    static func quotaTable(_ value: String) throws -> RequestQuotas.Table {
        if value == "aws" { return RequestQuotas.aws }
        guard let text = try? String(contentsOfFile: value, encoding: .utf8) else {
            throw ValidationError("--quotas must be aws or a readable file of rates")
        }
        guard let values = (try? Yams.load(yaml: text)) as? [String: Any] else {
            throw ValidationError("--quotas \(value): the file must map quota groups or operations to rates per second")
        }
        do {
            return try RequestQuotas.table(fromFile: values, operations: ServiceModel.kms.operationNames)
        } catch {
            throw ValidationError("--quotas \(value): \(error)")
        }
    }
}
