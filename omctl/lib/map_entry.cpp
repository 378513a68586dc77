#include "map_entry.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>
#include <fmt/format.h>
#include <functional>
#include <map>

#include "uapi/linux/openmosix.h"

namespace om {

namespace {

struct Number {
	enum class Kind { invalid, negative, ok } kind = Kind::invalid;
	std::uint64_t value = 0;	// UINT64_MAX when the digits do not fit
};

bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

Number parse_number(std::string_view s)
{
	const bool negative = !s.empty() && s.front() == '-';
	if (negative)
		s.remove_prefix(1);
	if (s.empty() || !std::all_of(s.begin(), s.end(), is_digit))
		return {};
	Number n{negative ? Number::Kind::negative : Number::Kind::ok};
	if (std::from_chars(s.data(), s.data() + s.size(), n.value).ec != std::errc{})
		n.value = UINT64_MAX;
	return n;
}

// A field made of digits (and maybe a '-'), short enough to show as is.
std::string digits(std::string_view s)
{
	constexpr std::size_t kShown = 20;
	return s.size() <= kShown ? std::string(s) : std::string(s.substr(0, kShown)) + "...";
}

bool iequals(std::string_view a, std::string_view b)
{
	const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
	return std::equal(a.begin(), a.end(), b.begin(), b.end(),
			  [&](char x, char y) { return lower(x) == lower(y); });
}

std::optional<NodeId> check_id(const Field &f, std::size_t line, ErrorList &errors)
{
	const Number n = parse_number(f.text);
	if (n.kind == Number::Kind::invalid) {
		errors.add(line, f.column, fmt::format("node id {} is not a number: use 1..{}",
						       quote(f.text), OM_NODE_ID_MAX));
		return std::nullopt;
	}
	if (n.kind == Number::Kind::negative || n.value == 0 || n.value > OM_NODE_ID_MAX) {
		errors.add(line, f.column, fmt::format("node id {} is out of range: use 1..{}",
						       digits(f.text), OM_NODE_ID_MAX));
		return std::nullopt;
	}
	return static_cast<NodeId>(n.value);
}

std::optional<std::uint32_t> check_count(const Field &f, std::size_t line, ErrorList &errors)
{
	if (iequals(f.text, "ALIAS"))
		return 0;
	constexpr std::string_view kUse =
		"use 1 or more for that many nodes, or ALIAS for one more address of node ID";
	const Number n = parse_number(f.text);
	if (n.kind == Number::Kind::invalid)
		errors.add(line, f.column, fmt::format("COUNT {} is not a number: {}", quote(f.text), kUse));
	else if (n.kind == Number::Kind::negative)
		errors.add(line, f.column, fmt::format("COUNT {} is negative: {}", digits(f.text), kUse));
	else if (n.value > OM_MAP_MAX_NODES)
		errors.add(line, f.column, fmt::format("COUNT {} is too large: a map holds at most "
						       "{} nodes", digits(f.text), OM_MAP_MAX_NODES));
	else
		return static_cast<std::uint32_t>(n.value);
	return std::nullopt;
}

// Nodes ID..ID+COUNT-1 must all be valid ids.
void check_id_range(Entry &e, ErrorList &errors)
{
	if (!e.id || !e.count || *e.count <= 1)
		return;
	const std::uint32_t last = *e.id + *e.count - 1;
	if (last <= OM_NODE_ID_MAX)
		return;
	errors.add(e.line, e.count_field.column,
		   fmt::format("nodes {}..{} would go past the last node id {}: "
			       "use a COUNT of at most {}",
			       *e.id, last, OM_NODE_ID_MAX, OM_NODE_ID_MAX - *e.id + 1));
	e.count.reset();
}

// Counting up must stay in the last byte (IPv4) or 16 bits (IPv6), as in
// openMosix: a range never carries into the network part.
void check_address_range(Entry &e, ErrorList &errors)
{
	if (!e.count || *e.count <= 1)
		return;
	const Address &a = *e.address;
	const std::uint32_t last = a.counter() + *e.count - 1;
	if (last <= a.counter_max())
		return;
	const auto b = a.bytes();
	const std::string end = a.is_v4()
		? fmt::format("would end at {}.{}.{}.{}, past the last byte", b[0], b[1], b[2], last)
		: fmt::format("would need {:#x} in the last 16 bits, past 0xffff", last);
	errors.add(e.line, e.count_field.column,
		   fmt::format("a range of {} from {} {}: use a COUNT of at most {} "
			       "or split the range",
			       *e.count, a.to_string(), end, a.counter_max() - a.counter() + 1));
	e.address.reset();	// the ids stand, so later lines are still checked against them
}

bool is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	       c == '-' || c == '.' || c == '_';
}

// Why TEXT, which is no IP address, is no host name either. Anything
// getaddrinfo would read as a number ("10.1", "0x7f.1") is refused: such a
// typo must not silently become some other address.
std::optional<std::string> bad_host_name(std::string_view text)
{
	const auto digit_or_dot = [](char c) { return is_digit(c) || c == '.'; };
	if (std::all_of(text.begin(), text.end(), digit_or_dot))
		return fmt::format("{} is not a valid IPv4 address: write four numbers "
				   "0..255 separated by dots", quote(text));
	if (text.find(':') != std::string_view::npos)
		return fmt::format("{} is not a valid IPv6 address", quote(text));
	constexpr std::size_t kMaxHostName = 253;
	if (text.size() > kMaxHostName || !std::all_of(text.begin(), text.end(), is_host_char))
		return fmt::format("{} is neither an IP address nor a host name", quote(text));
	in_addr ignored{};
	if (inet_aton(std::string(text).c_str(), &ignored) != 0)
		return fmt::format("{} is an abbreviated IPv4 address: write four decimal "
				   "numbers separated by dots", quote(text));
	return std::nullopt;
}

void check_host(Entry &e, ErrorList &errors)
{
	const Field &f = e.host_field;
	if (const auto a = Address::parse(f.text)) {
		e.address = a;
		check_address_range(e, errors);
		return;
	}
	if (const auto why = bad_host_name(f.text)) {
		errors.add(e.line, f.column, *why);
		return;
	}
	if (e.count > 1u) {
		errors.add(e.line, f.column,
			   fmt::format("a range of {} nodes counts up from an IP address, not "
				       "from the host name {}: write node {}'s address",
				       *e.count, quote(f.text), e.id ? std::to_string(*e.id) : "ID"));
		return;
	}
	e.host_name = std::string(f.text);
}

std::string missing_fields(std::size_t present)
{
	if (present == 1)
		return "missing HOST and COUNT: a line is 'ID HOST COUNT'";
	return "missing COUNT: a line is 'ID HOST COUNT', with COUNT 1 for one node "
	       "or ALIAS for another address of node ID";
}

} // namespace

std::optional<Entry> parse_entry(const Line &line, ErrorList &errors)
{
	const auto &f = line.fields;
	if (f.size() < 3) {
		errors.add(line.number, line.end_column, missing_fields(f.size()));
		return std::nullopt;
	}
	if (f.size() > 3)
		errors.add(line.number, f[3].column,
			   fmt::format("unexpected 4th field {}: a line is 'ID HOST COUNT' "
				       "and comments start with '#'", quote(f[3].text)));
	Entry e;
	e.line = line.number;
	e.id_field = f[0];
	e.host_field = f[1];
	e.count_field = f[2];
	e.id = check_id(e.id_field, e.line, errors);
	e.count = check_count(e.count_field, e.line, errors);
	check_id_range(e, errors);
	check_host(e, errors);
	return e;
}

void resolve_hosts(std::vector<Entry> &entries, Resolver &resolver, ErrorList &errors)
{
	std::map<std::string, Resolver::Result, std::less<>> seen;
	for (Entry &e : entries) {
		if (!e.host_name || errors.full())
			continue;
		auto it = seen.find(*e.host_name);
		if (it == seen.end())
			it = seen.emplace(*e.host_name, resolver.resolve(*e.host_name)).first;
		if (it->second.address)
			e.address = it->second.address;
		else
			errors.add(e.line, e.host_field.column,
				   fmt::format("cannot resolve host {}: {}: fix the name or write "
					       "its IP address", quote(*e.host_name), it->second.error));
	}
}

} // namespace om
