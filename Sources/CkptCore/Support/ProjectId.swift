/// The project everything is scoped by: from the configuration, or (in the
/// emulator) from the path.
package enum ProjectId {
    /// The project of a configuration that names none.
    package static let defaultId = "00000000000000000000000000000000"

    /// `project_id` of `f`, default `defaultId`: 1 to 64 letters, digits,
    /// `-` or `_`, since it goes into URIs unescaped.
    package static func read(_ f: Fields) throws(CkptError) -> String {
        guard let p = try f.string("project_id", maxLength: 64) else { return defaultId }
        let ok = p.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
        guard ok else { throw f.fail("project_id", "may hold only letters, digits, '-' and '_'") }
        return p
    }
}
