#pragma once

#include <catch2/catch_test_macros.hpp>
#include <functional>
#include <string>
#include <vector>

#include "fake_resolver.hpp"
#include "genl_client.hpp"
#include "map_parser.hpp"

namespace om::test {

inline Address ip(const std::string &text)
{
	return Address::parse(text).value();
}

inline Node node(NodeId id, std::initializer_list<const char *> addresses)
{
	Node n{id, {}};
	for (const char *a : addresses)
		n.addresses.push_back(ip(a));
	return n;
}

// The map TEXT stands for; fails the test (printing the errors) if none.
inline Map parse_ok(const std::string &text, Resolver &resolver)
{
	ParseResult result = parse_map(text, "test.map", resolver);
	if (const auto *errors = std::get_if<std::vector<ParseError>>(&result)) {
		for (const ParseError &e : *errors)
			UNSCOPED_INFO(e.to_string());
		FAIL("the map did not parse");
	}
	return std::get<Map>(std::move(result));
}

inline Map parse_ok(const std::string &text)
{
	FakeResolver resolver;
	return parse_ok(text, resolver);
}

// The errors TEXT has, as "FILE:LINE:COL: message" lines.
inline std::vector<std::string> parse_errors(const std::string &text, Resolver &resolver)
{
	ParseResult result = parse_map(text, "test.map", resolver);
	const auto *errors = std::get_if<std::vector<ParseError>>(&result);
	REQUIRE(errors);
	std::vector<std::string> lines;
	for (const ParseError &e : *errors)
		lines.push_back(e.to_string());
	return lines;
}

inline std::vector<std::string> parse_errors(const std::string &text)
{
	FakeResolver resolver;
	return parse_errors(text, resolver);
}

// The errno of the KernelError F throws, 0 if it throws none.
inline int error_of(const std::function<void()> &f)
{
	try {
		f();
	} catch (const KernelError &e) {
		return e.error();
	}
	return 0;
}

} // namespace om::test
