import CkptCore
import CkptEmbedded
import CkptRemote
#if canImport(Glibc)
import Glibc
#endif

/// The process environment, read without Foundation.
package enum ProcessEnvironment {
    package static func current() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") {
                out[String(s[..<eq])] = String(s[s.index(after: eq)...])
            }
            p += 1
        }
        return out
    }
}

/// Reads the embedded backend's configuration keys.
package enum ClientConfig {
    package static let defaultProjectId = "00000000000000000000000000000000"

    static func embedded(_ f: Fields, environment: [String: String]) throws(CkptError) -> EmbeddedConfig {
        try f.only(["backend", "path", "project_id", "durability", "simulate"])
        let project = try projectId(f)
        let durability = try f.enumeration("durability", ["full", "normal"]) ?? "full"
        var msPerGB: Int64 = 0
        var fail: Set<String> = []
        if let sim = try f.object("simulate") {
            try sim.only(["backup_ms_per_gb", "fail_resources"])
            msPerGB = try sim.int("backup_ms_per_gb", in: 0...3_600_000) ?? 0
            fail = Set(try sim.uuidArray("fail_resources") ?? [])
        }
        var path = try f.string("path", maxLength: 4096)
        if path == nil { path = try defaultStorePath(environment) }
        return EmbeddedConfig(path: path ?? "", projectId: project, fullDurability: durability == "full",
                              backupMsPerGB: msPerGB, failResources: fail)
    }

    /// 1 to 64 letters, digits, `-` or `_`: it goes into URIs unescaped.
    package static func projectId(_ f: Fields) throws(CkptError) -> String {
        guard let p = try f.string("project_id", maxLength: 64) else { return defaultProjectId }
        let ok = p.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
        guard ok else { throw f.fail("project_id", "may hold only letters, digits, '-' and '_'") }
        return p
    }

    /// `$XDG_DATA_HOME/ckpt/store.db`, else `~/.local/share/ckpt/store.db`;
    /// the directories are created (mode 0700) when missing.
    static func defaultStorePath(_ env: [String: String]) throws(CkptError) -> String {
        let base: String
        if let xdg = env["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else if let home = env["HOME"], !home.isEmpty {
            base = home + "/.local/share"
        } else {
            throw .argument("config.path: no default store location: set path, XDG_DATA_HOME or HOME")
        }
        let dir = base + "/ckpt"
        var partial = ""
        for component in dir.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o700) != 0 && errno != EEXIST {
                throw .storage("cannot create the store directory \(partial): \(String(cString: strerror(errno)))")
            }
        }
        return dir + "/store.db"
    }
}

/// Builds the remote backend from the whole configuration object.
enum RemoteBackendFactory {
    static func make(_ config: JSONObject, environment: [String: String]) throws(CkptError) -> any Backend {
        RemoteBackend(config: try RemoteConfig.parse(config, environment: environment))
    }
}
