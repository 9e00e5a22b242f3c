# ACL policy for operators and deploy jobs that run `alertmesh config push|pull|status`
# (create it and its tokens as shown in consul/acl-policy.hcl).
#
# - key "alertmesh/config" write: `config push` reads the key, then writes it with
#   check-and-set (GET, PUT ?cas= /v1/kv/alertmesh/config); pull and status read it.
# - key_prefix "alertmesh/templates/" write: `config push --template F` writes
#   alertmesh/templates/<file name>; `config pull` lists them (GET ...?recurse).
# - key_prefix "alertmesh/status/" read: `config status` lists every node's status
#   (GET /v1/kv/alertmesh/status/?recurse).
#
# No service, node or agent rights: an operator token can neither register nor deregister
# nodes, and it cannot forge a node's status key.

key "alertmesh/config" {
  policy = "write"
}

key_prefix "alertmesh/templates/" {
  policy = "write"
}

key_prefix "alertmesh/status/" {
  policy = "read"
}
