import Testing

@testable import TrentConsole

@Suite struct FormDataTests {
    @Test func decodesRepeatsPlusAndPercentEscapes() {
        let form = FormData("key=a&key=b&aliasName=alias%2Fx+y&empty=&flag")
        #expect(form.all("key") == ["a", "b"])
        #expect(form["aliasName"] == "alias/x y")
        #expect(form["empty"] == "")
        #expect(form.text("empty") == nil)
        #expect(form["flag"] == "")
        #expect(form["missing"] == nil)
    }

    @Test func queryEncodesAndSkipsEmptyValues() {
        let query = FormData.query([("q", "a b&c"), ("state", nil), ("sort", "id"), ("x", "")])
        #expect(query == "q=a%20b%26c&sort=id")
        #expect(FormData(query)["q"] == "a b&c")
    }

    @Test func redirectTargetsStayInsideTheConsole() {
        #expect(Console.localPath("/console/keys?tab=aliases") == "/console/keys?tab=aliases")
        #expect(Console.localPath("https://evil.example/") == nil)
        #expect(Console.localPath("//evil.example/console") == nil)
        #expect(Console.localPath("/console\r\nSet-Cookie: x") == nil)
        #expect(Console.localPath(nil) == nil)
    }
}
