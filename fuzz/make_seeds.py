#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/ from the documented
examples (the request and response samples of the API documents in
/work/shared/seeds, restated in SPEC) and the SDK-HMAC-SHA256 test vectors
(/work/shared/vectors/sdk-hmac-sha256.json, copied into fuzz/vectors.json so
the corpus can be regenerated anywhere).

Run it again after changing it; it rewrites every seed_* file and leaves any
other file in the corpus directories (inputs the fuzzer found) alone.
"""
import hashlib
import hmac
import json
import os
import struct
import sys
from urllib.parse import quote, unquote

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

R1 = "94eba8b2-acc9-4d82-badc-127144cc5526"
R2 = "3b5816b5-f29c-4172-9d9a-76c719a659ce"
TOKEN = "S3CR3T-token-MIIEhgYJKoZIhvcNAQcCoIIEdzCCBHMCAQExDTALBglghkgBZQMEAgEw"
SK = "SKtest0123456789abcdefghijklmnopqrstuvwx"
STS = "gQpJRjxjZXJ0aWZpY2F0ZT4KICA8L2NlcnRpZmljYXRlPgo"
SIG = "ba573feed0a8fde191d015a5f4d8e169e79279c4c5a23a823bf1ee5372aebb71"

# The documents' samples.
CHECKPOINT_CREATE_DOC = {"checkpoint": {"parameters": {"auto_trigger": True, "description": "backup_description",
                                                        "incremental": True, "name": "backup_name",
                                                        "resources": [R1]},
                                         "vault_id": R2}}
POLICY_EXECUTE_DOC = {"checkpoint": {"plan_id": "62171999-3df1-42f7-9513-6f9b1bea4744",
                                     "parameters": {"auto_trigger": False,
                                                    "resources": ["7a32a8b5-7977-4e24-b5da-e0eb457db75b",
                                                                  "b2b433bf-7dd6-4a74-aa8f-85673dfbda48"]}}}
CHECKPOINT_RESPONSE_DOC = {"checkpoint": {
    "status": "protecting", "created_at": "2019-05-10T07:59:12.733403",
    "vault": {"skipped_resources": [], "id": R2,
              "resources": [{"name": "ecs-1f0f-0002", "resource_size": "40", "protect_status": "available",
                             "type": "OS::Nova::Server", "id": R1}],
              "name": "vault-be94"},
    "project_id": "4229d7a45436489f8c3dc2b1d35d4987", "id": "8b0851a8-adf3-4f4c-a914-dead08bf9664",
    "extra_info": {"retention_duration": -1, "name": "backup_name", "description": "backup_description"}}}
V1_CHECKPOINT_RESPONSE_DOC = {"checkpoint": {
    "status": "protecting", "created_at": "2016-12-06T21:20:29.898823",
    "id": "14626f11-b54a-44ea-8e69-7463e527506a", "resource_graph": None,
    "project_id": "b942cc8342734d15bcb246babb1953cf",
    "protection_plan": {"id": "6a6cda7e-7b89-4b14-8e5c-3b6821a97d2c",
                        "resources": [{"type": "OS::Nova::Server", "id": "1c960fe4-e679-421a-97cd-4f7463d2344b",
                                       "name": "server0",
                                       "extra_info": "{\"exclude_volumes\": [\"53dbb1f8-0b14-4850-9346-ef5067acbeb5\"]}"}],
                        "name": "backup"},
    "extra_info": "{\"created_by\": \"manual\"}"}}
VAULT_CREATE = {"vault": {"name": "vault-quickstart", "description": "d", "billing": {
    "size": 100, "consistent_level": "crash_consistent", "object_type": "server", "protect_type": "backup",
    "charging_mode": "post_paid"},
    "resources": [{"id": R1, "type": "OS::Nova::Server", "name": "ecs-quickstart", "size": 40,
                   "extra_info": {"exclude_volumes": ["53dbb1f8-0b14-4850-9346-ef5067acbeb5"],
                                  "include_volumes": [{"id": "7a32a8b5-7977-4e24-b5da-e0eb457db75b",
                                                       "os_version": "CentOS 7"}]}}],
    "tags": [{"key": "k", "value": "v"}], "enterprise_project_id": "0", "auto_bind": False}}
POLICY_CREATE = {"policy": {"name": "policy-1", "description": "backup policy", "provider_id":
                            "fc4d5750-22e7-4798-8a46-f48f62c4c1da", "parameters": {"common": {}},
                            "scheduled_operations": [{"name": "op", "enabled": True, "operation_type": "backup",
                                                      "trigger": {"properties": {"pattern": "BEGIN:VCALENDAR"}}}],
                            "resources": [{"id": R1, "type": "OS::Nova::Server", "name": "s"}],
                            "tags": [{"key": "k", "value": "v"}]}}


def j(v, indent=None):
    return json.dumps(v, indent=indent, ensure_ascii=False, separators=None if indent else (",", ":"))


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed_" + name), "wb") as f:
        f.write(data)


def clear(target):
    d = os.path.join(CORPUS, target)
    if os.path.isdir(d):
        for f in os.listdir(d):
            if f.startswith("seed_"):
                os.remove(os.path.join(d, f))


def config_open():
    t = "config_open"
    write(t, "empty", "{}")
    write(t, "memory", j({"backend": "embedded", "path": ":memory:"}))
    write(t, "path_normal", j({"path": "/tmp/x/store.db", "project_id": "0605767ef300d5762fb8c0126a2de77c",
                               "durability": "normal"}))
    write(t, "simulate", j({"path": ":memory:", "simulate": {"backup_ms_per_gb": 1000, "fail_resources": [R1]}}))
    write(t, "default_path", j({"durability": "full", "project_id": "p_1-2"}))
    write(t, "remote_aksk", j({"backend": "remote", "project_id": "0605767ef300d5762fb8c0126a2de77c",
                               "region": "ap-southeast-1", "ak": "HPUABCDEFGHIJKLMNOPQ", "sk": "S3CR3T-" + SK}))
    write(t, "remote_token", j({"backend": "remote", "project_id": "0605767ef300d5762fb8c0126a2de77c",
                                "endpoint": "https://cbr.ap-southeast-1.myhuaweicloud.com",
                                "csbs_endpoint": "http://[::1]:8443/karbor/", "token": TOKEN, "timeout_ms": 30000,
                                "connect_timeout_ms": 5000, "retries": 3, "insecure": False,
                                "user_agent": "ckpt-fuzz/1.0", "max_response_bytes": 1048576}))
    write(t, "remote_sts", j({"backend": "remote", "project_id": "abc", "endpoint": "http://127.0.0.1:18080",
                              "ak": "AK", "sk": "S3CR3T-sk-x", "security_token": "S3CR3T-" + STS,
                              "proxy": "http://proxy.local:3128", "ca_file": "/etc/ssl/certs/ca-certificates.crt"}))
    write(t, "remote_bad", j({"backend": "remote", "project_id": "abc", "endpoint": "ftp://user@host/x?y#z",
                              "token": "S3CR3T-tok-1234567890", "security_token": "S3CR3T-st-1"}))
    write(t, "unknown_key", j({"backend": "embedded", "path": "/nonexistent/dir/store.db", "unknown": 1}))
    write(t, "simulate_bad", j({"simulate": {"backup_ms_per_gb": -1,
                                             "fail_resources": ["not-a-uuid", R1.upper()]}, "path": ":memory:"}))
    write(t, "nul_key", '{"path":":memory:","pa\\u0000th":"/tmp/evil.db","project_id":"a\\u0000b"}')
    write(t, "array", '[{"path":":memory:"}]')


# The operation table's order (`ckpt operations`), then a name that is none:
# byte 0 of a call_text input indexes it.  Tests/cli/test_table.py checks it.
CALL_OPS = ["vault.create", "vault.get", "policy.create", "policy.get", "checkpoint.create", "checkpoint.get",
            "checkpoint.wait", "policy.execute", "policy.checkpoint_get", "local.vault.set_status",
            "local.checkpoint.set_status", "backup.list", "backup.get", "backup.update", "backup.delete",
            "backup.restore", "operation_log.list", "operation_log.get", "backup.wait", "operation_log.wait",
            "backup.prune", "vault.list", "vault.update", "vault.delete", "vault.add_resources",
            "vault.remove_resources", "policy.checkpoint_list", "policy.checkpoint_delete", "bogus.operation"]


def call_text():
    t = "call_text"

    def seed(name, op, request, use_json=False):
        b = CALL_OPS.index(op) | (0x80 if use_json else 0)
        write(t, name, bytes([b]) + (request if isinstance(request, str) else j(request)).encode())

    seed("vault_create", "vault.create", VAULT_CREATE)
    seed("vault_create_json", "vault.create", VAULT_CREATE, True)
    seed("vault_create_min", "vault.create", {"vault": {"name": "v", "billing": {"size": 1}, "resources": []}})
    seed("vault_get", "vault.get", '{"vault_id":"@V"}')
    seed("vault_get_frozen", "vault.get", '{"vault_id":"@F"}')
    seed("vault_get_missing", "vault.get", {"vault_id": R2})
    seed("policy_create", "policy.create", POLICY_CREATE)
    seed("policy_get", "policy.get", '{"policy_id":"@P"}')
    # The documents' request sample, on the fixture vault.
    doc = json.loads(j(CHECKPOINT_CREATE_DOC).replace(R2, "@V"))
    seed("checkpoint_create_doc", "checkpoint.create", j(doc, indent="\t"))
    seed("checkpoint_create_doc_json", "checkpoint.create", doc, True)
    seed("checkpoint_create_all", "checkpoint.create", '{"checkpoint":{"vault_id":"@V"}}')
    seed("checkpoint_create_fail", "checkpoint.create",
         '{"checkpoint":{"vault_id":"@V","parameters":{"resources":["8b0851a8-adf3-4f4c-a914-dead08bf9664"],'
         '"incremental":false,"name":"n","description":"","auto_trigger":false,"policy_id":"x",'
         '"resource_details":[{"id":"' + R1 + '","type":"OS::Nova::Server","name":"x"}]}}}')
    seed("checkpoint_create_frozen", "checkpoint.create", '{"checkpoint":{"vault_id":"@F"}}')
    seed("checkpoint_create_missing", "checkpoint.create", j(CHECKPOINT_CREATE_DOC))
    seed("checkpoint_get", "checkpoint.get", '{"checkpoint_id":"@C"}')
    seed("checkpoint_get_error", "checkpoint.get", '{"checkpoint_id":"@E"}')
    seed("checkpoint_wait", "checkpoint.wait", '{"checkpoint_id":"@C","status":"available","timeout_ms":5}')
    seed("checkpoint_wait_error", "checkpoint.wait", '{"checkpoint_id":"@E"}')
    seed("checkpoint_wait_other", "checkpoint.wait", '{"checkpoint_id":"@C","status":"deleting","interval_ms":1}')
    seed("checkpoint_wait_v1", "checkpoint.wait",
         '{"checkpoint_id":"@K","provider_id":"fc4d5750-22e7-4798-8a46-f48f62c4c1da"}')
    doc = json.loads(j(POLICY_EXECUTE_DOC).replace("62171999-3df1-42f7-9513-6f9b1bea4744", "@P"))
    seed("policy_execute_doc", "policy.execute", j(doc, indent="  "))
    seed("policy_execute", "policy.execute",
         '{"provider_id":"fc4d5750-22e7-4798-8a46-f48f62c4c1da","checkpoint":{"plan_id":"@P","parameters":'
         '{"auto_trigger":true,"resources":["' + R1 + '"]}}}')
    seed("policy_checkpoint_get", "policy.checkpoint_get", '{"checkpoint_id":"@K"}')
    seed("policy_checkpoint_get_provider", "policy.checkpoint_get",
         '{"checkpoint_id":"@K","provider_id":"00000000-0000-0000-0000-000000000000"}')
    seed("set_vault_status", "local.vault.set_status", '{"vault_id":"@V","status":"lock"}')
    seed("set_checkpoint_status", "local.checkpoint.set_status", '{"checkpoint_id":"@C","status":"protecting"}')
    # The lifecycle (1.1).
    seed("backup_list", "backup.list", '{"checkpoint_id":"@C"}')
    seed("backup_list_filters", "backup.list",
         '{"vault_id":"@V","status":["available","error"],"incremental":true,"limit":2,"offset":0,'
         '"sort":"created_at:asc,name:desc","start_time":"2020-01-01T00:00:00Z","end_time":"2999-12-31T23:59:59Z",'
         '"resource_type":"OS::Nova::Server","name":"n","image_type":"backup"}')
    seed("backup_list_marker", "backup.list", '{"vault_id":"@V","marker":"@B","limit":1}')
    seed("backup_list_json", "backup.list", {"status": "available", "limit": 1000}, True)
    seed("backup_get", "backup.get", '{"backup_id":"@B"}')
    seed("backup_get_missing", "backup.get", {"backup_id": R2})
    seed("backup_update", "backup.update", '{"backup_id":"@B","backup":{"name":"renamed"}}')
    seed("backup_delete", "backup.delete", '{"backup_id":"@B"}')
    seed("backup_restore", "backup.restore",
         '{"backup_id":"@B","restore":{"server_id":"' + R1 + '","power_on":false,'
         '"mappings":[{"backup_id":"' + R2 + '","volume_id":"' + R1 + '"}]}}')
    seed("backup_restore_no_target", "backup.restore", '{"backup_id":"@B","restore":{}}')
    seed("operation_log_list", "operation_log.list",
         '{"operation_type":"backup","status":"success","vault_id":"@V","limit":5,"sort":"updated_at:asc"}')
    seed("operation_log_get", "operation_log.get", '{"operation_log_id":"@L"}')
    seed("backup_wait", "backup.wait", '{"backup_id":"@B","status":"available","timeout_ms":5}')
    seed("backup_wait_deleted", "backup.wait", '{"backup_id":"@B","status":"deleted","interval_ms":1}')
    seed("operation_log_wait", "operation_log.wait", '{"operation_log_id":"@L","timeout_ms":5}')
    seed("backup_prune", "backup.prune",
         '{"vault_id":"@V","keep_last":1,"keep_daily":2,"keep_weekly":1,"keep_monthly":1,"keep_within_days":3,'
         '"dry_run":true}')
    seed("backup_prune_real", "backup.prune", '{"vault_id":"@V","resource_id":"' + R1 + '","keep_last":1}')
    seed("backup_prune_no_rule", "backup.prune", '{"vault_id":"@V"}')
    # Vaults and CSBS checkpoints (1.1, part 2).
    seed("vault_list", "vault.list",
         '{"name":"v","id":["@V","@F"],"status":"available","object_type":"server","protect_type":"backup",'
         '"cloud_type":"public","resource_ids":"' + R1 + ',' + R2 + '","limit":2,"offset":1,"sort":"name:asc"}')
    seed("vault_list_marker", "vault.list", '{"id":"@V","marker":"@F","policy_id":"' + R2 + '"}')
    seed("vault_list_json", "vault.list", {"limit": 1000, "enterprise_project_id": "0"}, True)
    seed("vault_update", "vault.update",
         '{"vault_id":"@V","vault":{"name":"renamed","billing":{"size":200,"consistent_level":"crash_consistent"},'
         '"auto_bind":false,"auto_expand":true,"smn_notify":false,"threshold":80,"locked":false,'
         '"bind_rules":{"tags":[{"key":"k","value":"v"}]}}}')
    seed("vault_update_shrink", "vault.update", '{"vault_id":"@V","vault":{"billing":{"size":1}}}')
    seed("vault_delete", "vault.delete", '{"vault_id":"@V"}')
    seed("vault_delete_busy", "vault.delete", '{"vault_id":"@F"}')
    seed("vault_add_resources", "vault.add_resources",
         '{"vault_id":"@F","resources":[{"id":"' + R2 + '","type":"OS::Cinder::Volume","name":"d",'
         '"extra_info":{"exclude_volumes":[]}},{"id":"' + R1 + '","type":"OS::Nova::Server"}]}')
    seed("vault_remove_resources", "vault.remove_resources", '{"vault_id":"@V","resource_ids":["' + R1 + '"]}')
    seed("policy_checkpoint_list", "policy.checkpoint_list",
         '{"plan_id":"@P","start_date":"2020-01-01","end_date":"2999-12-31","limit":1,"sort":"created_at:asc"}')
    seed("policy_checkpoint_list_marker", "policy.checkpoint_list", '{"marker":"@K","limit":5}')
    seed("policy_checkpoint_delete", "policy.checkpoint_delete", '{"checkpoint_id":"@K"}')
    seed("policy_execute_karbor", "policy.execute", '{"checkpoint":{"plan_id":"@P","extra-info":{"k":"v"}}}')
    seed("bogus", "bogus.operation", "{}")
    seed("deep", "vault.get", "[" * 40 + "]" * 40)
    seed("dup", "vault.get", '{"vault_id":"@V","vault_id":"@V"}')
    seed("nul_key", "vault.get", '{"vault_id\\u0000x":"@V"}')


def list_query():
    t = "list_query"
    # Byte 0: 0 backup.list, 1 operation_log.list, 2 vault.list, 3 policy.checkpoint_list; then the
    # query as the official SDK (or python-karborclient) writes it.
    for name, op, q in [
        ("backups_sdk", 0, "checkpoint_id=" + R1 + "&incremental=true&limit=100&offset=0"),
        ("backups_statuses", 0, "status=available&status=error&vault_id=" + R2 + "&sort=created_at%3Aasc"),
        ("backups_times", 0, "start_time=2018-02-01T12%3A00%3A00Z&end_time=2018-02-02T12%3A00%3A00Z&name=a%20b"),
        ("backups_marker", 0, "marker=" + R1 + "&limit=1000&dec=false&show_replication=false"),
        ("backups_bad", 0, "limit=0&offset=-1&sort=size&status=gone&incremental=yes"),
        ("logs_sdk", 1, "operation_type=backup&status=running&vault_id=" + R2 + "&limit=1000&offset=0"),
        ("logs_repeat", 1, "status=running&status=success&provider_id=0daac4c5-6707-4851-97ba-169e36266b66"),
        ("vaults_sdk", 2, "id=" + R1 + "&id=" + R2 + "&limit=10&offset=0&object_type=server&cloud_type=public"),
        ("vaults_resources", 2, "resource_ids=" + R1 + "%2C" + R2 + "&name=v&status=available&sort=name%3Aasc"),
        ("vaults_bad", 2, "resource_ids=x,y&id=nope&protect_type=none"),
        ("karbor_kcli", 3, "end_date=2026-12-31&limit=2&marker=" + R1 + "&plan_id=" + R2 + "&sort=created_at%3Adesc"
         "&start_date=2026-01-01"),
        ("karbor_bad", 3, "start_date=2026-13-01&offset=1&limit=abc"),
    ]:
        write(t, name, bytes([op]) + q.encode())


def service_error():
    t = "service_error"

    def seed(name, status, body, request_id=None):
        flags = 1 if request_id is not None else 0
        head = struct.pack(">H", status) + bytes([flags]) + ((request_id + "\n").encode() if request_id is not None else b"")
        write(t, name, head + (body if isinstance(body, bytes) else body.encode()))

    seed("cbr_6113", 400, j({"error_code": "BackupService.6113",
                             "error_msg": "The status (frozen) of vault does not support backup."}), "req-1")
    seed("cbr_9900", 400, j({"error_code": "BackupService.9900", "error_msg": "checkpoint.vault_id: is required",
                             "request_id": "body-req-2"}))
    seed("csbs_6032", 500, j({"error_code": "CSBS.6032", "error_msg": "plan has no resource backup"}))
    seed("apig", 401, j({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: "
                                                                  "verify aksk signature fail"}))
    seed("iam", 403, j({"errorCode": "IAM.0001", "errorMsg": "no permission"}))
    seed("karbor", 404, j({"itemNotFound": {"code": 404, "message": "Plan could not be found."}}))
    seed("nested", 429, j({"error": {"code": "APIGW.0308", "message": "throttled"}}))
    seed("html", 502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\r\n")
    seed("empty", 503, "")
    seed("leak_token_json", 400, j({"error_code": "X.1", "error_msg": "bad token " + TOKEN}))
    seed("leak_sk_text", 500, "Traceback: sk=" + SK + " signature=" + SIG)
    seed("leak_sk_raw", 200, SK + " trailing")
    seed("leak_sk_string", 200, '"' + SK)
    seed("leak_long", 400, j({"error_code": "X.2", "error_msg": "x" * 1010 + TOKEN}))
    seed("not_object", 400, "[1,2,3]")
    seed("control", 400, j({"error_code": "A\nB", "error_msg": "line1\nline2\u0007", "request_id": "a\r\nb"}))
    seed("unicode", 400, j({"error_code": "BackupService.1001", "error_msg": "资源正在备份中 \u0301\u200d"}))


REMOTE_OPS = ["vault.get", "checkpoint.get", "checkpoint.create", "policy.get", "policy.execute",
              "policy.checkpoint_get", "vault.create", "policy.create", "checkpoint.wait", "checkpoint.wait v1",
              "local.vault.set_status"]


def remote_response():
    t = "remote_response"

    def seed(name, op, status, headers, body, aksk=False):
        b = REMOTE_OPS.index(op) | (0x80 if aksk else 0)
        head = bytes([b]) + struct.pack(">H", status)
        write(t, name, head + "".join(h + "\n" for h in headers).encode() + b"\n"
              + (body if isinstance(body, bytes) else body.encode()))

    seed("create_200", "checkpoint.create", 200, ["Content-Type: application/json", "X-Request-Id: 5e2b0c8f"],
         j(CHECKPOINT_RESPONSE_DOC, indent="\t"))
    seed("get_200", "checkpoint.get", 200, ["X-Request-Id: r-1"], j(CHECKPOINT_RESPONSE_DOC))
    seed("wait_200", "checkpoint.wait", 200, [], j(CHECKPOINT_RESPONSE_DOC).replace("protecting", "available"))
    seed("v1_200", "policy.execute", 200, [], j(V1_CHECKPOINT_RESPONSE_DOC, indent="  "), True)
    seed("v1_get_200", "policy.checkpoint_get", 200, [], j(V1_CHECKPOINT_RESPONSE_DOC))
    seed("vault_400", "checkpoint.create", 400, ["X-Request-Id: abc"],
         j({"error_code": "BackupService.6113", "error_msg": "The status (frozen) of vault does not support backup."}))
    seed("quota_400", "checkpoint.create", 400, [], j({"error_code": "BackupService.6114", "error_msg": "capacity"}))
    seed("throttle_429", "vault.get", 429, ["Retry-After: 0"], j({"error": {"code": "APIGW.0308",
                                                                          "message": "throttled"}}), True)
    seed("unavailable_503", "policy.get", 503, ["Retry-After: 1"], "<html>Service Unavailable</html>")
    seed("auth_401", "vault.get", 401, ["WWW-Authenticate: x"], j({"error_code": "APIGW.0301",
                                                                    "error_msg": "Incorrect IAM authentication"}))
    seed("html_200", "vault.get", 200, ["Content-Type: text/html"], "<html>login</html>")
    seed("array_200", "vault.get", 200, [], "[]")
    seed("empty_200", "vault.get", 200, [], "")
    seed("leak_token_200", "vault.get", 200, [], TOKEN + " echoed")
    seed("leak_token_str_200", "vault.get", 200, [], '"' + TOKEN[:19])
    seed("leak_token_400", "vault.get", 400, [], j({"error_code": "X.1", "error_msg": "your token " + TOKEN}))
    seed("leak_sts_500", "checkpoint.create", 500, [], "proxy echo: X-Security-Token: " + STS, True)
    seed("redirect_302", "vault.get", 302, ["Location: http://127.0.0.1:1/"], "")
    seed("chunked", "vault.get", 200, ["Transfer-Encoding: chunked"], "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n")
    seed("bad_length", "vault.get", 200, ["Content-Length: 99"], "{}")
    seed("reqid_body", "vault.get", 404, [], j({"error_code": "BackupService.6105", "error_msg": "no vault",
                                                "request_id": "body-id"}))
    seed("local_only", "local.vault.set_status", 200, [], "{}")

    # Several exchanges on the same clients (one libcurl handle reused).
    def record(op, status, headers, body, aksk=False, retry=False):
        b = REMOTE_OPS.index(op) | (0x80 if aksk else 0) | (0x60 if retry else 0)
        return (bytes([b]) + struct.pack(">H", status) + "".join(h + "\n" for h in headers).encode() + b"\n"
                + body.encode())
    sep = b"\n--next--\n"
    write(t, "sequence", sep.join([
        record("vault.get", 404, ["X-Request-Id: r1"], j({"error_code": "BackupService.6105", "error_msg": "x"})),
        record("checkpoint.create", 200, ["X-Request-Id: r2"], j(CHECKPOINT_RESPONSE_DOC)),
        record("checkpoint.get", 503, ["Retry-After: 0"], "busy", True, True),
        record("vault.get", 200, [], j({"vault": {"id": R2}}))]))


def signature_verify():
    t = "signature_verify"
    vectors = json.load(open(os.path.join(HERE, "vectors.json")))
    ak, sk = vectors["ak"], vectors["sk"]

    def request(method, target, headers, body):
        return (f"{method} {target}\n" + "".join(f"{k}: {v}\n" for k, v in headers) + "\n" + body)

    for v in vectors["vectors"]:
        headers = list(v["headers_before_signing"].items()) + [("Authorization", v["authorization"])]
        write(t, v["name"], request(v["method"], v["wire_uri"], headers, v["body"]))

    # Variants signed here the way RequestSigner.sign does (checked against
    # the vectors above), so the fuzzer starts from requests that verify.
    def canonical_uri(path):
        segs = unquote(path, errors="surrogateescape").split("/")
        uri = "/".join(quote(s, safe="~", errors="surrogateescape") for s in segs)
        return uri if uri.endswith("/") else uri + "/"

    def sign(method, path, query, headers, body):
        names = sorted({k.lower() for k, _ in headers})
        lines = "".join(f"{n}:{[v for k, v in headers if k.lower() == n][0].strip()}\n" for n in names)
        q = "&".join(quote(a, safe="~") + "=" + quote(b, safe="~") for a, b in sorted(query))
        canonical = "\n".join([method.upper(), canonical_uri(path), q, lines, ";".join(names),
                               hashlib.sha256(body.encode()).hexdigest()])
        date = [v for k, v in headers if k.lower() == "x-sdk-date"][0].strip()
        sts = "SDK-HMAC-SHA256\n" + date + "\n" + hashlib.sha256(canonical.encode()).hexdigest()
        sig = hmac.new(sk.encode(), sts.encode(), hashlib.sha256).hexdigest()
        return f"SDK-HMAC-SHA256 Access={ak}, SignedHeaders={';'.join(names)}, Signature={sig}"

    v0 = vectors["vectors"][0]
    assert sign(v0["method"], v0["path"], [], list(v0["headers_before_signing"].items()), v0["body"]) == v0["authorization"]
    base = [("Host", "127.0.0.1:18080"), ("Content-Type", "application/json;charset=utf-8"),
            ("X-Project-Id", "0605767ef300d5762fb8c0126a2de77c"), ("X-Sdk-Date", vectors["x_sdk_date"])]
    cases = [
        ("query", "GET", "/v3/p/checkpoints", "limit=10&offset=0&name=a%20b&name=", [], ""),
        ("encoded_path", "GET", "/v1/p/providers/fc4d5750-22e7-4798-8a46-f48f62c4c1da/checkpoints/a%2Fb~c", None, [], ""),
        ("sts", "POST", "/v1/p/providers/fc4d5750-22e7-4798-8a46-f48f62c4c1da/checkpoints", None,
         [("X-Security-Token", STS)], j(POLICY_EXECUTE_DOC)),
        ("unicode_body", "POST", "/v3/p/vaults", None, [("User-Agent", "libckpt/1.0.0")],
         j({"vault": {"name": "保险库", "billing": {"size": 1}, "resources": []}})),
        ("spaces", "GET", "/v3/p/vaults/x", None, [("X-Extra", "  padded value  ")], ""),
    ]
    for name, method, path, query, extra, body in cases:
        pairs = []
        if query:
            for item in query.split("&"):
                a, _, b = item.partition("=")
                pairs.append((unquote(a), unquote(b)))
        headers = base + extra
        auth = sign(method, path, pairs, headers, body)
        target = path + ("?" + query if query else "")
        write(t, name, request(method, target, headers + [("Authorization", auth)], body))
    # Refusals.
    h = base + [("Authorization", sign("GET", "/v3/p/vaults/x", [], base, ""))]
    write(t, "stale_date", request("GET", "/v3/p/vaults/x",
                                   [(k, "20230102T030405Z" if k == "X-Sdk-Date" else v) for k, v in h], ""))
    write(t, "unknown_ak", request("GET", "/v3/p/vaults/x",
                                   [(k, v.replace(ak, "EMPTYSK") if k == "Authorization" else v) for k, v in h], ""))
    write(t, "two_auth", request("GET", "/v3/p/vaults/x", h + [("authorization", "SDK-HMAC-SHA256 x")], ""))
    write(t, "garbage_auth", request("GET", "/", base + [("Authorization", "SDK-HMAC-SHA256 Access=,,=")], ""))


def json_text():
    t = "json_text"
    write(t, "checkpoint", j(CHECKPOINT_RESPONSE_DOC, indent="\t"))
    write(t, "checkpoint_compact", j(CHECKPOINT_RESPONSE_DOC))
    write(t, "v1_checkpoint", j(V1_CHECKPOINT_RESPONSE_DOC, indent="  "))
    write(t, "vault", j(VAULT_CREATE, indent=" "))
    write(t, "error", j({"error_code": "BackupService.6113", "error_msg": "资源 \u00e9\"\\/"}))
    write(t, "escapes", '{"a":"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t","b":[1,-0,0.5,1e10,-1.25E-7,true,false,null,{}]}')
    write(t, "numbers", '{"n":[123456789012345678,-999999999999999999,0.12345678901234567,1e99,1E-99]}')
    write(t, "nested", '{"a":' * 30 + '{}' + '}' * 30)
    write(t, "spaces", ' \r\n\t{ "a" : [ 1 , 2 ] , "b" : { } } \n')

# emulator_request: one request per served route (test_table.py checks that
# every route has one), then what API Gateway answers itself.  Byte 0: 0 the
# harness adds the token, 1 it signs with AK/SK, 2 the input's headers only.
PROVIDER = "fc4d5750-22e7-4798-8a46-f48f62c4c1da"
POLICY = "62171999-3df1-42f7-9513-6f9b1bea4744"
EMULATOR_ROUTES = [
    ("vault_create", "POST", "/v3/p1/vaults", {"vault": {"name": "v", "billing": {"size": 100},
                                                         "resources": [{"id": R2, "type": "OS::Cinder::Volume"}]}}),
    ("vault_get", "GET", "/v3/p1/vaults/@V", None),
    ("vault_list", "GET", "/v3/p1/vaults?limit=2&offset=0&name=fuzz-vault", None),
    ("vault_update", "PUT", "/v3/p1/vaults/@V", {"vault": {"name": "renamed", "billing": {"size": 200}}}),
    ("vault_delete", "DELETE", "/v3/p1/vaults/@V", None),
    ("vault_add_resources", "POST", "/v3/p1/vaults/@V/addresources",
     {"resources": [{"id": R2, "type": "OS::Cinder::Volume"}]}),
    ("vault_remove_resources", "POST", "/v3/p1/vaults/@V/removeresources", {"resource_ids": [R1]}),
    ("policy_create", "POST", "/v1/p1/policies",
     {"policy": {"name": "p", "provider_id": PROVIDER, "parameters": {"common": {}},
                 "resources": [{"id": R1, "type": "OS::Nova::Server", "name": "ecs-1"}],
                 "scheduled_operations": [{"enabled": True, "operation_type": "backup",
                                           "trigger": {"properties": {"pattern": "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nRRULE:FREQ=WEEKLY;BYDAY=TH;BYHOUR=12;BYMINUTE=27\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"}},
                                           "operation_definition": {"max_backups": 5}}]}}),
    ("policy_get", "GET", f"/v1/p1/policies/{POLICY}", None),
    ("checkpoint_create", "POST", "/v3/p1/checkpoints", {"checkpoint": {"vault_id": "@V", "parameters": {
        "auto_trigger": False, "description": "d", "incremental": True, "name": "n", "resources": [R1]}}}),
    ("checkpoint_get", "GET", "/v3/p1/checkpoints/@C", None),
    ("policy_execute", "POST", f"/v1/p1/providers/{PROVIDER}/checkpoints", POLICY_EXECUTE_DOC),
    ("policy_checkpoint_get", "GET", f"/v1/p1/providers/{PROVIDER}/checkpoints/@C", None),
    ("policy_checkpoint_list", "GET", f"/v1/p1/providers/{PROVIDER}/checkpoints?plan_id={POLICY}&limit=1", None),
    ("policy_checkpoint_delete", "DELETE", f"/v1/p1/providers/{PROVIDER}/checkpoints/@C", None),
    ("backup_list", "GET", "/v3/p1/backups?checkpoint_id=@C&vault_id=@V&limit=10&sort=created_at:desc", None),
    ("backup_get", "GET", "/v3/p1/backups/@B", None),
    ("backup_update", "PUT", "/v3/p1/backups/@B", {"backup": {"name": "renamed"}}),
    ("backup_delete", "DELETE", "/v3/p1/backups/@B", None),
    ("backup_restore", "POST", "/v3/p1/backups/@B/restore", {"restore": {"server_id": R1, "power_on": True}}),
    ("operation_log_list", "GET", "/v3/p1/operation-logs?operation_type=backup&status=success&limit=5", None),
    ("operation_log_get", "GET", "/v3/p1/operation-logs/0a1b2c3d-0000-4000-8000-000000000003", None),
]


def emulator_request():
    t = "emulator_request"

    def request(mode, method, target, body, headers=(("Host", "127.0.0.1:8080"),
                                                       ("Content-Type", "application/json;charset=UTF-8"))):
        text = body if isinstance(body, str) else ("" if body is None else j(body))
        return bytes([mode]) + (f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
                                + "\r\n" + text).encode()

    for name, method, target, body in EMULATOR_ROUTES:
        write(t, name, request(0, method, target, body))
    write(t, "signed_checkpoint_create", request(1, "POST", "/v3/p1/checkpoints",
                                                 {"checkpoint": {"vault_id": "@V", "parameters": {"resources": [R1]}}}))
    write(t, "signed_list_query", request(1, "GET", "/v3/p1/backups?vault_id=@V&name=a%20b&limit=1", None))
    write(t, "openapi", request(2, "GET", "/openapi.json", None, ()))
    write(t, "no_credentials", request(2, "GET", "/v3/p1/vaults", None))
    write(t, "wrong_token", request(2, "GET", "/v3/p1/vaults", None, (("X-Auth-Token", "not-the-token"),)))
    write(t, "unserved", request(0, "GET", "/v3/p1/backups/@B/metadata", None))
    write(t, "method_not_allowed", request(0, "PATCH", "/v3/p1/vaults/@V", {"vault": {}}))
    write(t, "unknown_path", request(0, "GET", "/v3/p1/nothing-here", None))
    write(t, "empty_segment", request(0, "GET", "/v3//vaults/x/", None))
    write(t, "encoded_ids", request(0, "GET", "/v3/p%31/vaults/%40V%2F%00%ff", None))
    write(t, "bad_project", request(0, "GET", "/v3/p.1~x/vaults", None))
    write(t, "bad_json", request(0, "POST", "/v3/p1/vaults", '{"vault": {"name": "x",'))
    write(t, "array_body", request(0, "POST", "/v3/p1/checkpoints", "[1,2]"))
    write(t, "bad_query", request(0, "GET", "/v3/p1/backups?limit=-1&offset=x&limit=2&%zz=%", None))
    write(t, "list_unknown_filter", request(0, "GET", "/v1/p1/providers/x/checkpoints?nope=1", None))


def main():
    src = "/work/shared/vectors/sdk-hmac-sha256.json"
    dst = os.path.join(HERE, "vectors.json")
    if os.path.exists(src) and not os.path.exists(dst):
        with open(src) as f, open(dst, "w") as g:
            g.write(f.read())
    for target in ["config_open", "call_text", "service_error", "remote_response", "signature_verify", "json_text",
                   "list_query", "emulator_request"]:
        clear(target)
        globals()[target]()
    for target in sorted(os.listdir(CORPUS)):
        n = len(os.listdir(os.path.join(CORPUS, target)))
        print(f"{target}: {n} files")


if __name__ == "__main__":
    sys.exit(main())
