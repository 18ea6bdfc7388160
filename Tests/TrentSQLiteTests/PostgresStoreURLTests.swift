import Foundation
import Testing
import TrentPostgres

struct PostgresStoreURLTests {
    @Test func readsLibpqStyleURLsWithOneOrSeveralHosts() throws {
        let one = try PostgresStoreURL("postgres://trent:s%40cret@db.example:6432/kms?sslmode=require")
        #expect(one.hosts.map(\.host) == ["db.example"] && one.port == 6432)
        #expect(one.username == "trent" && one.password == "s@cret" && one.database == "kms" && one.sslMode == "require")
        #expect(!one.redacted.contains("cret"))
        let several = try PostgresStoreURL("postgresql://trent@a:5432,b:5433,c/kms")
        #expect(several.hosts.map(\.host) == ["a", "b", "c"] && several.hosts.map(\.port) == [5432, 5433, 5432])
        #expect(several.redacted == "postgres://trent@a:5432,b:5433,c:5432/kms?sslmode=prefer")
        let query = try PostgresStoreURL("postgres://trent@/kms?host=x,y&port=1,2")
        #expect(query.hosts.map(\.host) == ["x", "y"] && query.hosts.map(\.port) == [1, 2])
        #expect(try PostgresStoreURL("postgres://trent@h").database == "trent")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString)")
        try "from-file\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try PostgresStoreURL("postgres://trent:inline@h/kms", passwordFile: file.path).password == "from-file")
        for bad in [
            "mysql://u@h/db", "postgres://h/db", "postgres://u@/db", "postgres://u@h:port/db", "postgres://u@h/db?sslmode=maybe",
        ] {
            #expect(throws: PostgresStoreURL.Failure.self, "\(bad)") { try PostgresStoreURL(bad) }
        }
    }
}
