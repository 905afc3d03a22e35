import CkptCore
import Testing

@Suite("Route templates")
struct RouteTemplateTests {
    /// Whether `path` has `t`'s shape, as the emulator's routing asks it.
    private func matches(_ t: RouteTemplate, path: String) -> Bool {
        RouteTemplate.pathSegments(path).flatMap { t.parameterValues($0) } != nil
    }

    /// What the emulator's routing (404, 405) rests on: a path has a template's shape.
    @Test func pathsMatchTheirTemplate() {
        let t = RouteTemplate.get("/v3/{project_id}/vaults/{vault_id}")
        #expect(matches(t, path: "/v3/p1/vaults/abc"))
        #expect(matches(t, path: "/v3/p%001/vaults/%2F"))   // still encoded: one segment each
        #expect(!matches(t, path: "/v3/p1/vaults"))          // too short
        #expect(!matches(t, path: "/v3/p1/vaults/abc/x"))    // too long
        #expect(!matches(t, path: "/v3//vaults/abc"))        // an empty parameter
        #expect(!matches(t, path: "/v3/p1/vaults/"))
        #expect(!matches(t, path: "/v1/p1/vaults/abc"))      // another literal
        #expect(!matches(t, path: "v3/p1/vaults/abc"))
        #expect(!matches(t, path: ""))
    }

    /// The emulator's routing: each parameter's raw value, in order.
    @Test func parameterValuesAreTheRawSegments() {
        let t = RouteTemplate.get("/v3/{project_id}/vaults/{vault_id}")
        let values = RouteTemplate.pathSegments("/v3/p1/vaults/a%2Fb").flatMap { t.parameterValues($0) }
        #expect(values?.map(\.name) == ["project_id", "vault_id"])
        #expect(values?.map { String($0.raw) } == ["p1", "a%2Fb"])
        #expect(RouteTemplate.pathSegments("v3/p1") == nil)
        #expect(RouteTemplate.pathSegments("/v3/p1/vaults/x/").flatMap { t.parameterValues($0) } == nil)
        #expect(RouteTemplate.pathSegments("/v3/p1/backups/x").flatMap { t.parameterValues($0) } == nil)
    }
}
