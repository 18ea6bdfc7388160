import ArgumentParser
import TrentCore
import TrentOperations

/// `trent operations`: the operations table, as the README shows it.
struct Operations: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every KMS operation and whether Trent implements it.")

    func run() throws {
        for (action, implemented) in OperationTable.status {
            print("\(action.rawValue)\t\(implemented ? "implemented" : "not yet")")
        }
    }
}
