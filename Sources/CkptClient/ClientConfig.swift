import CkptCore
import CkptEmbedded
#if canImport(Glibc)
import Glibc
#endif

/// Reads the embedded backend's configuration keys.
package enum ClientConfig {
    static func embedded(_ f: Fields, environment: [String: String]) throws(CkptError) -> EmbeddedConfig {
        try f.only(["backend", "path", "project_id", "durability", "simulate"])
        let project = try ProjectId.read(f)
        let durability = try f.enumeration("durability", ["full", "normal"]) ?? "full"
        var msPerGB: Int64 = 0
        var fail: Set<String> = []
        var offset: Int64 = 0
        if let sim = try f.object("simulate") {
            try sim.only(["backup_ms_per_gb", "fail_resources", "clock_offset_ms"])
            msPerGB = try sim.int("backup_ms_per_gb", in: 0...3_600_000) ?? 0
            fail = Set(try sim.uuidArray("fail_resources") ?? [])
            // From about 1978 to a century ahead: created_at stays after 1970.
            offset = try sim.int("clock_offset_ms", in: -1_500_000_000_000...3_155_760_000_000) ?? 0
        }
        var path = try f.string("path", maxLength: 4096)
        if path == nil { path = try defaultStorePath(environment) }
        return EmbeddedConfig(path: path ?? "", projectId: project, fullDurability: durability == "full",
                              backupMsPerGB: msPerGB, failResources: fail, clockOffsetMs: offset)
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
