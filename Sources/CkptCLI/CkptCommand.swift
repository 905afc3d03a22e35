import ArgumentParser
import CkptClient
import CkptCore

/// `ckpt`: the root command.
struct CkptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ckpt",
        abstract: "Create and query backup checkpoints (Huawei Cloud CBR v3 / CSBS v1) with libckpt.",
        discussion: """
        Every command prints the response JSON on stdout (one compact line; --pretty indents it). \
        On failure it prints the error object on stderr, \
        {"code","class","http_status","error_code","error_msg","request_id"}, \
        and exits with the status of the error's class.

        Configuration: --config FILE (or $CKPT_CONFIG) names a JSON file holding the \
        configuration object of ckpt_client_open() (backend, path, project_id, ...); \
        --store PATH (or $CKPT_STORE) sets the embedded store file, overriding the file's "path". \
        Flags win over the environment. Remote credentials also come from HUAWEICLOUD_SDK_AK, \
        HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN and HUAWEICLOUD_SDK_PROJECT_ID.

        Exit status:
           0  success
          10  invalid      CKPT_EINVAL     bad argument, request, JSON or configuration
          11  not_found    CKPT_ENOTFOUND  no such vault, policy, checkpoint, backup or task
          12  conflict     CKPT_ECONFLICT  state forbids it: busy, vault status, error
          13  quota        CKPT_EQUOTA     capacity or quota exceeded
          14  auth         CKPT_EAUTH      authentication failed (401)
          15  permission   CKPT_EPERM      permission denied (403)
          16  timeout      CKPT_ETIMEOUT   a timeout expired (e.g. checkpoint wait)
          17  network      CKPT_ENETWORK   connection, DNS or TLS failure
          18  remote       CKPT_EREMOTE    the service failed (429, 5xx, garbage)
          19  storage      CKPT_ESTORAGE   the local store failed (I/O, path)
          20  internal     CKPT_EINTERNAL  a bug in libckpt
          21  canceled     CKPT_ECANCELED  a wait stopped by its caller
          64  usage                        bad command line (ArgumentParser)
        An error class exits with 9 minus its CKPT_E* code.
        """,
        version: libraryVersion,
        subcommands: [Call.self, Operations.self, Vault.self, CheckpointCmd.self, BackupCmd.self, TaskCmd.self, Policy.self,
                      ServeCommand.self]
    )
}
