-- Wireshark/tshark dissector for the ilnp-overlay wire format
-- (proto/README.md): the 40-byte header, discovery (43), locator update (44)
-- and skinny transport (42), with RFC 6951 SCTP handed to Wireshark's own
-- dissector, and the secure-mode messages of section 9: signed discovery (45),
-- signed locator update and ack (46), sealed transport (47). Signatures and
-- ciphertexts are shown, never checked (that needs keys and libsodium).
-- One file on purpose: installing is copying it into the plugins folder.
--
-- Load with `tshark -X lua_script:ilnp-overlay.lua` or copy into the personal
-- plugins folder (~/.local/lib/wireshark/plugins/). Malformed input gives
-- expert-info errors named after the node's drop reasons (proto/README.md
-- section 7); every read is length-checked first, so it never raises a Lua error.

-- Loaded twice (plugins folder and -X lua_script): keep the first copy.
for _, name in ipairs(Dissector.list()) do
  if name == "ilnp" then return end
end

local HEADER_SIZE = 40
local DISCOVERY_FIXED = 17
local MAX_HOSTNAME = 255
local MAX_UPDATE_LOCATORS = 16
local ALL_NODES = "ff02:0:0:1"
local NH_TRANSPORT, NH_DISCOVERY, NH_LOCATOR_UPDATE = 42, 43, 44
local NH_SECURE_DISCOVERY, NH_SECURE_UPDATE, NH_SEALED = 45, 46, 47
local KEY_SIZE, SIGNATURE_SIZE = 32, 64
local SEAL_HEADER, SEAL_TAG = 12, 16  -- epoch (4) + counter (8); Poly1305 tag

local ilnp = Proto("ilnp", "ILNP Overlay")

local next_header_names = {
  [NH_TRANSPORT] = "Transport",
  [NH_DISCOVERY] = "Discovery",
  [NH_LOCATOR_UPDATE] = "Locator update",
  [NH_SECURE_DISCOVERY] = "Secure discovery",
  [NH_SECURE_UPDATE] = "Secure locator update",
  [NH_SEALED] = "Sealed transport",
}

local f = {
  vcf = ProtoField.uint32("ilnp.vcf", "Version/class/flow", base.HEX),
  version = ProtoField.uint32("ilnp.version", "Version", base.DEC, nil, 0xf0000000),
  class = ProtoField.uint32("ilnp.class", "Traffic class", base.HEX, nil, 0x0ff00000),
  flow = ProtoField.uint32("ilnp.flow", "Flow label", base.HEX, nil, 0x000fffff),
  payload_length = ProtoField.uint16("ilnp.payload_length", "Payload length", base.DEC),
  next_header = ProtoField.uint8("ilnp.next_header", "Next header", base.DEC, next_header_names),
  hop_limit = ProtoField.uint8("ilnp.hop_limit", "Hop limit", base.DEC),
  src_loc = ProtoField.string("ilnp.src_loc", "Source locator"),
  src_nid = ProtoField.string("ilnp.src_nid", "Source NID"),
  dst_loc = ProtoField.string("ilnp.dst_loc", "Destination locator"),
  dst_nid = ProtoField.string("ilnp.dst_nid", "Destination NID"),
  src_ilv = ProtoField.string("ilnp.src_ilv", "Source ILV"),
  dst_ilv = ProtoField.string("ilnp.dst_ilv", "Destination ILV"),
  loc = ProtoField.string("ilnp.loc", "Source or destination locator"),
  nid = ProtoField.string("ilnp.nid", "Source or destination NID"),
  conversation = ProtoField.string("ilnp.conversation", "Conversation (NID pair)"),
  trailer = ProtoField.bytes("ilnp.trailer", "Bytes beyond the payload length"),
  payload = ProtoField.bytes("ilnp.payload", "Payload"),

  disc_nid = ProtoField.string("ilnp.disc.nid", "NID"),
  disc_loc = ProtoField.string("ilnp.disc.loc", "Locator"),
  disc_flag = ProtoField.uint8("ilnp.disc.flag", "Flag", base.DEC,
                               { [0] = "Advertisement", [1] = "Solicitation" }),
  disc_hostname = ProtoField.string("ilnp.disc.hostname", "Hostname"),

  lu_flag = ProtoField.uint8("ilnp.lu.flag", "Flag", base.DEC,
                             { [0] = "Acknowledgement", [1] = "Update" }),
  lu_count = ProtoField.uint8("ilnp.lu.count", "Number of locators", base.DEC),
  lu_locator = ProtoField.string("ilnp.lu.locator", "New locator"),
  lu_extra = ProtoField.bytes("ilnp.lu.extra", "Extra bytes"),

  tp_src_port = ProtoField.uint16("ilnp.tp.src_port", "Source port", base.DEC),
  tp_dst_port = ProtoField.uint16("ilnp.tp.dst_port", "Destination port", base.DEC),
  tp_port = ProtoField.uint16("ilnp.tp.port", "Source or destination port", base.DEC),
  tp_length = ProtoField.uint16("ilnp.tp.length", "Data length", base.DEC),
  tp_data = ProtoField.bytes("ilnp.tp.data", "Data"),
  tp_text = ProtoField.string("ilnp.tp.text", "Data as text"),

  -- Secure mode: 45 and 46 reuse the discovery and update fields above, so
  -- one filter (ilnp.disc.hostname, ilnp.lu.locator) finds both modes.
  sec_timestamp = ProtoField.uint64("ilnp.secure.timestamp", "Timestamp (unix microseconds)", base.DEC),
  sec_time = ProtoField.absolute_time("ilnp.secure.time", "Timestamp as time", base.UTC),
  sec_hostname_length = ProtoField.uint8("ilnp.secure.hostname_length", "Hostname length", base.DEC),
  sec_key = ProtoField.bytes("ilnp.secure.public_key", "Ed25519 public key"),
  sec_signature = ProtoField.bytes("ilnp.secure.signature", "Ed25519 signature (not verified)"),
  sec_extra = ProtoField.bytes("ilnp.secure.extra", "Bytes beyond the message"),
  lu_kind = ProtoField.uint8("ilnp.lu.kind", "Kind", base.DEC, { [0] = "Acknowledgement", [1] = "Update" }),
  lu_sequence = ProtoField.uint64("ilnp.lu.sequence", "Sequence (unix microseconds)", base.DEC),
  lu_acknowledges = ProtoField.uint64("ilnp.lu.acknowledges", "Acknowledged update sequence", base.DEC),
  seal_epoch = ProtoField.uint32("ilnp.seal.epoch", "Key epoch", base.DEC),
  seal_counter = ProtoField.uint64("ilnp.seal.counter", "Counter", base.DEC),
  seal_nonce = ProtoField.bytes("ilnp.seal.nonce", "AEAD nonce (epoch || counter)"),
  seal_ciphertext = ProtoField.bytes("ilnp.seal.ciphertext", "Ciphertext (ports + data)"),
  seal_length = ProtoField.uint16("ilnp.seal.ciphertext_length", "Ciphertext length", base.DEC),
  seal_tag = ProtoField.bytes("ilnp.seal.tag", "Poly1305 tag (not verified)"),
}
ilnp.fields = f

local function error_expert(abbr, text)
  return ProtoExpert.new("ilnp." .. abbr, text, expert.group.MALFORMED, expert.severity.ERROR)
end

local e = {
  short_header = error_expert("short_header", "Datagram shorter than the 40-byte header"),
  payload_length_mismatch = error_expert("payload_length_mismatch",
                                         "Payload length disagrees with the datagram length"),
  truncated_discovery = error_expert("truncated_discovery", "Discovery payload shorter than 17 bytes"),
  bad_discovery_flag = error_expert("bad_discovery_flag", "Discovery flag neither 0 nor 1"),
  empty_hostname = error_expert("empty_hostname", "Discovery without a hostname"),
  hostname_too_long = error_expert("hostname_too_long", "Hostname longer than 255 bytes"),
  hostname_not_utf8 = error_expert("hostname_not_utf8",
                                   "Hostname not well-formed UTF-8 or contains control characters"),
  truncated_locator_update = error_expert("truncated_locator_update", "Empty locator update"),
  bad_locator_update_flag = error_expert("bad_locator_update_flag", "Locator update flag neither 0 nor 1"),
  bad_locator_update_length = error_expert("bad_locator_update_length", "Locator update of a bad length"),
  too_many_locators = error_expert("too_many_locators", "Locator update with more than 16 locators"),
  truncated_transport = error_expert("truncated_transport", "Transport payload shorter than 4 bytes"),
  sctp_malformed = error_expert("sctp_malformed", "The SCTP dissector gave up on the transport data"),
  truncated_secure_message = error_expert("truncated_secure_message",
                                          "Secure message shorter or longer than its layout"),
  capture_truncated = ProtoExpert.new("ilnp.capture_truncated", "Packet cut short by the capture snaplen",
                                      expert.group.MALFORMED, expert.severity.WARN),
  unknown_next_header = ProtoExpert.new("ilnp.unknown_next_header", "Unknown next header, payload not decoded",
                                        expert.group.UNDECODED, expert.severity.NOTE),
  over_buffer_size = ProtoExpert.new("ilnp.over_buffer_size",
                                     "Datagram longer than buffer_size: nodes with that setting drop it",
                                     expert.group.PROTOCOL, expert.severity.WARN),
}
ilnp.experts = {
  e.short_header, e.payload_length_mismatch, e.truncated_discovery, e.bad_discovery_flag,
  e.empty_hostname, e.hostname_too_long, e.hostname_not_utf8, e.truncated_locator_update,
  e.bad_locator_update_flag, e.bad_locator_update_length, e.too_many_locators,
  e.truncated_transport, e.sctp_malformed, e.truncated_secure_message, e.capture_truncated, e.unknown_next_header,
  e.over_buffer_size,
}

ilnp.prefs.udp_ports = Pref.range("UDP ports", "10000",
  "UDP ports of the overlay (mcast_port); other ports are found by the heuristic", 65535)
ilnp.prefs.sctp_ports = Pref.range("SCTP encapsulation ports", "9899",
  "Transport ports whose data is RFC 6951 SCTP (either port matching is enough)", 65535)
ilnp.prefs.sctp_by_crc = Pref.bool("Detect SCTP by CRC32c", true,
  "Also hand transport data to SCTP when it carries an SCTP common header with a valid CRC32c")
ilnp.prefs.buffer_size = Pref.uint("buffer_size", 1440,
  "Longest datagram the nodes accept ([link] buffer_size); longer ones get a warning")

-- Bit operations for CRC32c: bit32 (Lua 5.2), else BitOp's bit (signed
-- results, so normalised), else Lua 5.3+ operators (loaded as text so this
-- file still parses under 5.2).
local band, bxor, rshift
if bit32 then
  band, bxor, rshift = bit32.band, bit32.bxor, bit32.rshift
elseif bit then
  local function u(x) return x % 4294967296 end
  band = function(a, b) return u(bit.band(a, b)) end
  bxor = function(a, b) return u(bit.bxor(a, b)) end
  rshift = function(a, n) return u(bit.rshift(a, n)) end
else
  band = load("return function(a, b) return a & b end")()
  bxor = load("return function(a, b) return a ~ b end")()
  rshift = load("return function(a, n) return a >> n end")()
end

local crc32c_table = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do
    if band(c, 1) == 1 then c = bxor(rshift(c, 1), 0x82f63b78) else c = rshift(c, 1) end
  end
  crc32c_table[i] = c
end

-- CRC32c of an SCTP packet (a Lua string) with its checksum field as zeros.
local function sctp_crc32c(raw)
  local crc = 0xffffffff
  for i = 1, #raw do
    local byte = (i >= 9 and i <= 12) and 0 or raw:byte(i)
    crc = bxor(rshift(crc, 8), crc32c_table[band(bxor(crc, byte), 0xff)])
  end
  return bxor(crc, 0xffffffff)
end

-- Is `port` in a preference range such as "9899" or "9000-9010,9899"?
local function in_range(range, port)
  for part in tostring(range):gmatch("[^,%s]+") do
    local lo, hi = part:match("^(%d+)%-(%d+)$")
    if lo then
      if port >= tonumber(lo) and port <= tonumber(hi) then return true end
    elseif tonumber(part) == port then
      return true
    end
  end
  return false
end

-- The overlay's notation: four 16-bit groups, lowercase hex, no leading zeros.
local function groups64(r)
  return string.format("%x:%x:%x:%x", r(0, 2):uint(), r(2, 2):uint(), r(4, 2):uint(), r(6, 2):uint())
end
local function hex64(tvb, offset) return groups64(tvb(offset, 8)) end

-- RFC 3629 UTF-8 without C0 controls or DEL, as the node's decoder checks.
local function clean_utf8(s)
  local i, n = 1, #s
  while i <= n do
    local c = s:byte(i)
    if c < 0x20 or c == 0x7f then return false end
    local extra, cp, min
    if c < 0x80 then
      extra, cp, min = 0, c, 0
    elseif c >= 0xc0 and c < 0xe0 then
      extra, cp, min = 1, c - 0xc0, 0x80
    elseif c >= 0xe0 and c < 0xf0 then
      extra, cp, min = 2, c - 0xe0, 0x800
    elseif c >= 0xf0 and c < 0xf8 then
      extra, cp, min = 3, c - 0xf0, 0x10000
    else
      return false
    end
    if i + extra > n then return false end
    for k = 1, extra do
      local cc = s:byte(i + k)
      if cc < 0x80 or cc >= 0xc0 then return false end
      cp = cp * 64 + (cc - 0x80)
    end
    if cp < min or cp > 0x10ffff or (cp >= 0xd800 and cp <= 0xdfff) then return false end
    i = i + extra + 1
  end
  return true
end

-- Bytes as text for a column or a field: \xNN for what is not clean UTF-8.
local function escaped(s)
  return (s:gsub("[^\32-\126]", function(c) return string.format("\\x%02x", c:byte()) end))
end

-- Each payload dissector gets the whole tvb plus the payload's offset and
-- length (> 0), already limited to captured bytes, and returns Info text.

local function dissect_discovery(tvb, pinfo, t, off, len)
  if len < DISCOVERY_FIXED then
    t:add_tvb_expert_info(e.truncated_discovery, tvb(off, len),
                          string.format("Discovery payload of %d bytes, shorter than 17", len))
    return "Discovery (truncated)"
  end
  local nid, loc, flag = hex64(tvb, off), hex64(tvb, off + 8), tvb(off + 16, 1):uint()
  t:add(f.disc_nid, tvb(off, 8), nid)
  t:add(f.disc_loc, tvb(off + 8, 8), loc)
  local flag_item = t:add(f.disc_flag, tvb(off + 16, 1))
  local kind = (flag == 1 and "solicitation") or (flag == 0 and "advertisement")
  if flag > 1 then
    kind = string.format("(bad flag %d)", flag)
    flag_item:add_tvb_expert_info(e.bad_discovery_flag, tvb(off + 16, 1), string.format(
      "Discovery flag %d is neither 1 (solicitation) nor 0 (advertisement)", flag))
  end
  local name = ""
  local name_len = len - DISCOVERY_FIXED
  if name_len == 0 then
    t:add_tvb_expert_info(e.empty_hostname, tvb(off + 16, 1), "Discovery without a hostname")
  else
    local r = tvb(off + DISCOVERY_FIXED, name_len)
    local raw = r:raw()
    local clean = clean_utf8(raw)
    name = clean and r:string(ENC_UTF_8) or escaped(raw)
    local item = t:add(f.disc_hostname, r, name)
    if name_len > MAX_HOSTNAME then
      item:add_tvb_expert_info(e.hostname_too_long, r,
                               string.format("Hostname of %d bytes, longer than 255", name_len))
    end
    if not clean then
      item:add_tvb_expert_info(e.hostname_not_utf8, r,
                               "Hostname not well-formed UTF-8 or contains control characters")
    end
  end
  t:append_text(string.format(": %s %s %s @ %s", kind, name, nid, loc))
  return string.format("Discovery %s %s %s @ %s", kind, name, nid, loc)
end

local function dissect_locator_update(tvb, pinfo, t, off, len)
  local flag = tvb(off, 1):uint()
  local flag_item = t:add(f.lu_flag, tvb(off, 1))
  if flag == 0 then
    if len ~= 1 then
      t:add_tvb_expert_info(e.bad_locator_update_length, tvb(off, len),
                            string.format("Acknowledgement of %d bytes, not 1", len))
      return "Locator update ack (bad length)"
    end
    t:append_text(": acknowledgement")
    return "Locator update ack"
  end
  if flag ~= 1 then
    flag_item:add_tvb_expert_info(e.bad_locator_update_flag, tvb(off, 1),
                                  string.format("Locator update flag %d is neither 1 (update) nor 0 (ack)", flag))
    return string.format("Locator update (bad flag %d)", flag)
  end
  local rest = len - 1
  local count = math.floor(rest / 8)
  t:add(f.lu_count, count):set_generated()
  local locators = {}
  for i = 0, count - 1 do
    local loc = hex64(tvb, off + 1 + 8 * i)
    locators[#locators + 1] = loc
    t:add(f.lu_locator, tvb(off + 1 + 8 * i, 8), loc)
  end
  if rest == 0 or rest % 8 ~= 0 then
    local what = string.format("Update carries %d locator bytes, not a positive multiple of 8", rest)
    if rest % 8 ~= 0 then
      local extra = t:add(f.lu_extra, tvb(off + 1 + 8 * count, rest % 8))
      extra:add_tvb_expert_info(e.bad_locator_update_length, tvb(off + 1 + 8 * count, rest % 8), what)
    else
      t:add_tvb_expert_info(e.bad_locator_update_length, tvb(off, len), what)
    end
  end
  if count > MAX_UPDATE_LOCATORS then
    t:add_tvb_expert_info(e.too_many_locators, tvb(off, len),
                          string.format("Update with %d locators, more than 16", count))
  end
  local detail = ""
  if rest == 0 or rest % 8 ~= 0 then detail = " (bad length)" end
  if count > 0 then detail = detail .. " -> " .. table.concat(locators, ", ") end
  t:append_text(": update" .. detail)
  return "Locator update" .. detail
end

local sctp = Dissector.get("sctp")

local function looks_like_sctp(tvb, off, len)
  if len < 16 then return false end  -- common header + one chunk header
  local chunk_length = tvb(off + 14, 2):uint()
  if chunk_length < 4 or chunk_length > len - 12 then return false end
  return sctp_crc32c(tvb(off, len):raw()) == tvb(off + 8, 4):le_uint()
end

local function dissect_transport(tvb, pinfo, t, off, len, tree)
  if len < 4 then
    t:add_tvb_expert_info(e.truncated_transport, tvb(off, len),
                          string.format("Transport payload of %d bytes, shorter than 4", len))
    return "Transport (truncated)"
  end
  local sp, dp = tvb(off, 2):uint(), tvb(off + 2, 2):uint()
  t:add(f.tp_src_port, tvb(off, 2))
  t:add(f.tp_dst_port, tvb(off + 2, 2))
  t:add(f.tp_port, tvb(off, 2)):set_hidden()
  t:add(f.tp_port, tvb(off + 2, 2)):set_hidden()
  local n = len - 4
  t:add(f.tp_length, n):set_generated()
  local info = string.format("Transport %d -> %d (%d bytes)", sp, dp, n)
  t:append_text(string.format(": %d -> %d (%d bytes)", sp, dp, n))
  if n == 0 then return info end
  local data = tvb(off + 4, n)
  local by_port = in_range(ilnp.prefs.sctp_ports, sp) or in_range(ilnp.prefs.sctp_ports, dp)
  if sctp and (by_port or (ilnp.prefs.sctp_by_crc and looks_like_sctp(tvb, off + 4, n))) then
    pinfo.cols.info:set(info .. " ")
    pinfo.cols.info:fence()
    -- Wireshark's SCTP dissector throws on data it cannot parse, and
    -- Dissector:call turns that into a Lua error; the pcall turns it back
    -- into an expert error (the exception is already shown in the tree).
    local ok = pcall(function() sctp:call(data:tvb(), pinfo, tree) end)
    if not ok then
      t:add_tvb_expert_info(e.sctp_malformed, data, "The SCTP dissector gave up on the transport data")
    end
    return nil
  end
  t:add(f.tp_data, data)
  local raw = data:raw()
  if clean_utf8(raw) then t:add(f.tp_text, data, data:string(ENC_UTF_8)) end
  return info
end

-- Secure payloads are read the way the node's decoder reads them
-- (src/core/wire/secure_messages.cpp): in order, the first failing check
-- giving the one expert error (the node's drop reason); fields that still fit
-- after it are shown, nothing is read beyond the payload.
local function secure_reader(tvb, t, off, len, what)
  local r = { pos = off, last = off + len, failed = false }
  function r.left() return r.last - r.pos end
  function r.fail(expert, text)
    if r.failed then return end
    r.failed = true
    t:add_proto_expert_info(expert, text)
  end
  -- Shows `field` over the next n bytes (its value from format(range) when
  -- given) and returns the range; nil, and a truncation error, if they are
  -- not all there.
  function r.add(field, n, name, format)
    if r.left() < n then
      r.fail(e.truncated_secure_message, string.format("%s of %d bytes ends inside the %s (%d bytes at offset %d)",
                                                       what, len, name, n, r.pos - off))
      return nil
    end
    local range = tvb(r.pos, n)
    if format then t:add(field, range, format(range)) else t:add(field, range) end
    r.pos = r.pos + n
    return range
  end
  -- Bytes left over after the layout: shown, and an error if none came before.
  function r.extra(expert)
    local n = r.left()
    if n <= 0 then return end
    r.fail(expert, string.format("%s carries %d bytes beyond its layout", what, n))
    t:add(f.sec_extra, tvb(r.pos, n))
    r.pos = r.last
  end
  return r
end

-- Unix microseconds as a time, beside the raw value.
local function add_time(t, range)
  local us = range:uint64()
  t:add(f.sec_time, range, NSTime.new((us / 1000000):tonumber(), (us % 1000000):tonumber() * 1000)):set_generated()
end

local function add_key_and_signature(r)
  r.add(f.sec_key, KEY_SIZE, "public key")
  r.add(f.sec_signature, SIGNATURE_SIZE, "signature")
end

local function dissect_secure_discovery(tvb, pinfo, t, off, len)
  local r = secure_reader(tvb, t, off, len, "Secure discovery")
  local flag = r.add(f.disc_flag, 1, "flag"):uint()
  local kind = (flag == 1 and "solicitation") or (flag == 0 and "advertisement") or
               string.format("(bad flag %d)", flag)
  if flag > 1 then
    r.fail(e.bad_discovery_flag,
           string.format("Discovery flag %d is neither 1 (solicitation) nor 0 (advertisement)", flag))
  end
  local nid = r.add(f.disc_nid, 8, "NID", groups64)
  local loc = r.add(f.disc_loc, 8, "locator", groups64)
  local stamp = r.add(f.sec_timestamp, 8, "timestamp")
  if stamp then add_time(t, stamp) end
  r.add(f.sec_key, KEY_SIZE, "public key")
  local length = r.add(f.sec_hostname_length, 1, "hostname length")
  local name = ""
  if length then
    local n = length:uint()
    if n == 0 then r.fail(e.empty_hostname, "Discovery without a hostname") end
    if r.left() ~= n + SIGNATURE_SIZE then
      r.fail(e.truncated_secure_message, string.format(
        "Hostname length %d needs %d more bytes (hostname + signature), the payload has %d", n, n + SIGNATURE_SIZE,
        r.left()))
    end
    if n > 0 and r.left() > 0 then
      local raw_range = tvb(r.pos, math.min(n, r.left()))
      local raw = raw_range:raw()
      local clean = clean_utf8(raw)
      if not clean then
        r.fail(e.hostname_not_utf8, "Hostname not well-formed UTF-8 or contains control characters")
      end
      name = clean and raw_range:string(ENC_UTF_8) or escaped(raw)
      t:add(f.disc_hostname, raw_range, name)
      r.pos = r.pos + raw_range:len()
    end
    if n == 0 or r.left() >= SIGNATURE_SIZE then r.add(f.sec_signature, SIGNATURE_SIZE, "signature") end
    r.extra(e.truncated_secure_message)
  end
  local who = string.format("%s %s @ %s", name, nid and groups64(nid) or "?", loc and groups64(loc) or "?")
  t:append_text(string.format(": %s %s", kind, who))
  return string.format("Secure discovery %s %s", kind, who)
end

local function dissect_secure_update(tvb, pinfo, t, off, len)
  local r = secure_reader(tvb, t, off, len, "Secure locator update")
  local kind = r.add(f.lu_flag, 1, "kind"):uint()
  if kind > 1 then
    r.fail(e.bad_locator_update_flag, string.format("Locator update kind %d is neither 1 (update) nor 0 (ack)", kind))
    return string.format("Secure locator update (bad kind %d)", kind)
  end
  r.add(f.lu_sequence, 8, "sequence")
  local detail = ""
  if kind == 0 then
    local acked = r.add(f.lu_acknowledges, 8, "acknowledged sequence")
    if acked then detail = " of " .. tostring(acked:uint64()) end
  else
    local count_range = r.add(f.lu_count, 1, "locator count")
    local locators = {}
    if count_range then
      local count = count_range:uint()
      if count == 0 then r.fail(e.bad_locator_update_length, "Update with no locators") end
      if count > MAX_UPDATE_LOCATORS then
        r.fail(e.too_many_locators, string.format("Update with %d locators, more than 16", count))
      end
      for i = 1, count do
        local l = r.add(f.lu_locator, 8, string.format("locator %d of %d", i, count), groups64)
        if not l then break end
        locators[#locators + 1] = groups64(l)
      end
    end
    if #locators > 0 then detail = " -> " .. table.concat(locators, ", ") end
  end
  add_key_and_signature(r)
  r.extra(e.bad_locator_update_length)
  local name = kind == 0 and " ack" or ""
  t:append_text(":" .. (kind == 0 and " acknowledgement" or " update") .. detail)
  return "Secure locator update" .. name .. detail
end

local function dissect_sealed(tvb, pinfo, t, off, len)
  local r = secure_reader(tvb, t, off, len, "Sealed transport")
  if len < SEAL_HEADER + SEAL_TAG + 4 then
    r.fail(e.truncated_secure_message, string.format(
      "Sealed payload of %d bytes, shorter than %d (epoch, counter, ports, tag)", len, SEAL_HEADER + SEAL_TAG + 4))
  end
  local epoch = r.add(f.seal_epoch, 4, "epoch")
  local counter = r.add(f.seal_counter, 8, "counter")
  if not (epoch and counter) then
    r.extra(e.truncated_secure_message)
    return "Sealed transport (truncated)"
  end
  t:add(f.seal_nonce, tvb(off, SEAL_HEADER)):set_generated()
  local n = r.left() - SEAL_TAG
  if n < 0 then
    r.extra(e.truncated_secure_message)
    return "Sealed transport (truncated)"
  end
  if n > 0 then r.add(f.seal_ciphertext, n, "ciphertext") end
  t:add(f.seal_length, n):set_generated()
  r.add(f.seal_tag, SEAL_TAG, "tag")
  local text = string.format("epoch %d counter %s (%d bytes)", epoch:uint(), tostring(counter:uint64()), n)
  t:append_text(": " .. text)
  return "Sealed transport " .. text
end

local payload_dissectors = {
  [NH_DISCOVERY] = dissect_discovery,
  [NH_LOCATOR_UPDATE] = dissect_locator_update,
  [NH_TRANSPORT] = dissect_transport,
  [NH_SECURE_DISCOVERY] = dissect_secure_discovery,
  [NH_SECURE_UPDATE] = dissect_secure_update,
  [NH_SEALED] = dissect_sealed,
}

local function dissect(tvb, pinfo, tree)
  local captured, reported = tvb:len(), tvb:reported_len()
  pinfo.cols.protocol = "ILNP"
  local root = tree:add(ilnp, tvb(0, math.min(captured, HEADER_SIZE)))
  if captured < reported then
    root:add_proto_expert_info(e.capture_truncated,
                               string.format("Captured %d of %d bytes", captured, reported))
  end
  if reported < HEADER_SIZE then
    -- Show the header fields that fit, then stop.
    if captured >= 4 then root:add(f.vcf, tvb(0, 4)) end
    if captured >= 6 then root:add(f.payload_length, tvb(4, 2)) end
    if captured >= 7 then root:add(f.next_header, tvb(6, 1)) end
    if captured >= 8 then root:add(f.hop_limit, tvb(7, 1)) end
    if captured >= 16 then root:add(f.src_loc, tvb(8, 8), hex64(tvb, 8)) end
    if captured >= 24 then root:add(f.src_nid, tvb(16, 8), hex64(tvb, 16)) end
    if captured >= 32 then root:add(f.dst_loc, tvb(24, 8), hex64(tvb, 24)) end
    root:add_proto_expert_info(e.short_header,
                               string.format("Datagram of %d bytes, shorter than the 40-byte header", reported))
    pinfo.cols.info = string.format("Truncated header (%d bytes)", reported)
    return captured
  end
  if captured < HEADER_SIZE then
    pinfo.cols.info = "Header not captured"
    return captured
  end

  local src_loc, src_nid = hex64(tvb, 8), hex64(tvb, 16)
  local dst_loc, dst_nid = hex64(tvb, 24), hex64(tvb, 32)
  local payload_length, next_header = tvb(4, 2):uint(), tvb(6, 1):uint()
  local all_nodes = dst_loc == ALL_NODES

  local vcf = root:add(f.vcf, tvb(0, 4))
  vcf:add(f.version, tvb(0, 4))
  vcf:add(f.class, tvb(0, 4))
  vcf:add(f.flow, tvb(0, 4))
  local plen_item = root:add(f.payload_length, tvb(4, 2))
  if payload_length ~= reported - HEADER_SIZE then
    plen_item:add_tvb_expert_info(e.payload_length_mismatch, tvb(4, 2),
      string.format("Payload length %d disagrees with datagram length - 40 = %d", payload_length,
                    reported - HEADER_SIZE))
  end
  if reported > ilnp.prefs.buffer_size then
    root:add_proto_expert_info(e.over_buffer_size,
      string.format("Datagram of %d bytes, longer than buffer_size %d", reported, ilnp.prefs.buffer_size))
  end
  root:add(f.next_header, tvb(6, 1))
  root:add(f.hop_limit, tvb(7, 1))
  root:add(f.src_loc, tvb(8, 8), src_loc)
  root:add(f.src_nid, tvb(16, 8), src_nid)
  local dst_loc_item = root:add(f.dst_loc, tvb(24, 8), dst_loc)
  if all_nodes then dst_loc_item:append_text(" (all nodes)") end
  root:add(f.dst_nid, tvb(32, 8), dst_nid)
  root:add(f.src_ilv, tvb(8, 16), src_loc .. ":" .. src_nid):set_generated()
  root:add(f.dst_ilv, tvb(24, 16), dst_loc .. ":" .. dst_nid):set_generated()
  root:add(f.loc, tvb(8, 8), src_loc):set_hidden()
  root:add(f.loc, tvb(24, 8), dst_loc):set_hidden()
  root:add(f.nid, tvb(16, 8), src_nid):set_hidden()
  root:add(f.nid, tvb(32, 8), dst_nid):set_hidden()
  if not all_nodes then
    -- One value for both directions, whatever locators the ends use.
    local a, b = src_nid, dst_nid
    if tvb(32, 8):uint64() < tvb(16, 8):uint64() then a, b = b, a end
    root:add(f.conversation, a .. " <-> " .. b):set_generated()
  end

  -- The Source/Destination columns keep the IPv6 addresses: Wireshark fills
  -- them from pinfo.src/dst after dissection, which Lua cannot set to text.
  local dst_text = all_nodes and "all nodes" or (dst_nid .. " @ " .. dst_loc)
  root:append_text(", Src: " .. src_nid .. " @ " .. src_loc .. ", Dst: " .. dst_text)

  -- Decode what the payload length names, within the captured bytes; bytes
  -- beyond it are a trailer (the node drops the datagram either way).
  local available = captured - HEADER_SIZE
  local len = math.min(payload_length, available)
  if available > payload_length then
    root:add(f.trailer, tvb(HEADER_SIZE + len, available - len))
  end
  local name = next_header_names[next_header]
  local info
  if len == 0 then
    if next_header == NH_DISCOVERY then
      root:add_proto_expert_info(e.truncated_discovery, "Empty discovery payload")
    elseif next_header == NH_LOCATOR_UPDATE then
      root:add_proto_expert_info(e.truncated_locator_update, "Empty locator update")
    elseif next_header == NH_TRANSPORT then
      root:add_proto_expert_info(e.truncated_transport, "Empty transport payload")
    elseif name then
      root:add_proto_expert_info(e.truncated_secure_message, "Empty " .. name:lower() .. " payload")
    end
    info = (name or string.format("Next header %d", next_header)) .. " (empty)"
  elseif name then
    local t = root:add(tvb(HEADER_SIZE, len), name)
    info = payload_dissectors[next_header](tvb, pinfo, t, HEADER_SIZE, len, tree)
  else
    local item = root:add(f.payload, tvb(HEADER_SIZE, len))
    item:add_proto_expert_info(e.unknown_next_header,
                               string.format("Next header %d not decoded (%d bytes)", next_header, len))
    info = string.format("Next header %d (%d bytes)", next_header, len)
  end
  if payload_length ~= reported - HEADER_SIZE then
    info = (info or "") .. string.format(" [payload length %d != %d]", payload_length, reported - HEADER_SIZE)
  end
  if info then pinfo.cols.info = info end
  return captured
end

function ilnp.dissector(tvb, pinfo, tree)
  return dissect(tvb, pinfo, tree)
end

-- Heuristic for other UDP ports: a whole header whose payload length matches
-- the datagram, and a known next header (or, for future next headers, the
-- legacy all-zero first word and a small hop limit).
local function heuristic(tvb, pinfo, tree)
  local n = tvb:len()
  if n < HEADER_SIZE or n ~= tvb:reported_len() then return false end
  if tvb(4, 2):uint() ~= n - HEADER_SIZE then return false end
  local next_header = tvb(6, 1):uint()
  if not next_header_names[next_header] then
    if tvb(0, 4):uint() ~= 0 or tvb(7, 1):uint() > 32 then return false end
  end
  dissect(tvb, pinfo, tree)
  return true
end
ilnp:register_heuristic("udp", heuristic)

-- `tshark -z ilnp,conv`: conversations by NID pair, whatever locators they
-- used. Wireshark 4.0's Lua cannot feed the built-in Conversations table
-- (which groups by address), so this is a table of its own, counted by a tap
-- so that each frame counts once however often it is dissected.
-- Field extractors exist only if made while scripts load.
local conversation_f, src_nid_f = Field.new("ilnp.conversation"), Field.new("ilnp.src_nid")
local src_loc_f, dst_loc_f = Field.new("ilnp.src_loc"), Field.new("ilnp.dst_loc")
local length_f = Field.new("ilnp.payload_length")

local function nid_conversations()
  local rows, order = {}, {}
  local tap = Listener.new("frame", "ilnp.conversation")
  function tap.reset() rows, order = {}, {} end
  function tap.packet(pinfo)
    local key = conversation_f().value
    local row = rows[key]
    if not row then
      local a, b = key:match("^(%S+) <%-> (%S+)$")
      row = { a = a, b = b, frames = 0, bytes = 0, a_to_b = 0, b_to_a = 0, first = pinfo.rel_ts,
              locators = {}, locator_list = {} }
      rows[key] = row
      order[#order + 1] = key
    end
    row.frames = row.frames + 1
    row.bytes = row.bytes + HEADER_SIZE + length_f().value
    if src_nid_f().value == row.a then row.a_to_b = row.a_to_b + 1 else row.b_to_a = row.b_to_a + 1 end
    row.last = pinfo.rel_ts
    for _, loc in ipairs({ src_loc_f().value, dst_loc_f().value }) do
      if not row.locators[loc] then
        row.locators[loc] = true
        row.locator_list[#row.locator_list + 1] = loc
      end
    end
  end
  function tap.draw()
    print(string.rep("=", 100))
    print("ILNP conversations by NID pair (one row per pair, across locator changes)")
    print(string.format("%-43s %7s %9s %6s %6s %9s %9s  %s", "NID A <-> NID B", "Frames", "Bytes", "A->B", "B->A",
                        "Start", "Duration", "Locators"))
    for _, key in ipairs(order) do
      local r = rows[key]
      print(string.format("%-43s %7d %9d %6d %6d %9.3f %9.3f  %s", key, r.frames, r.bytes, r.a_to_b, r.b_to_a,
                          r.first, r.last - r.first, table.concat(r.locator_list, ",")))
    end
    print(string.rep("=", 100))
  end
end
register_stat_cmd_arg("ilnp,conv", nid_conversations)

local udp_port_table = DissectorTable.get("udp.port")
local registered_ports = nil

local function register_ports()
  if registered_ports and registered_ports ~= "" then udp_port_table:remove(registered_ports, ilnp) end
  registered_ports = tostring(ilnp.prefs.udp_ports)
  if registered_ports ~= "" then udp_port_table:add(registered_ports, ilnp) end
end

function ilnp.prefs_changed()
  if tostring(ilnp.prefs.udp_ports) ~= registered_ports then register_ports() end
end

register_ports()
