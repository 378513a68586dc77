#include "omd_config.hpp"

#include <boost/program_options.hpp>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <map>
#include <sstream>

#include "file_text.hpp"
#include "map_file.hpp"
#include "map_lines.hpp"
#include "parse_error.hpp"
#include "uapi/linux/openmosix.h"

namespace om {

namespace po = boost::program_options;

namespace {

// Spelled-out long options only, as omctl: an abbreviation that works
// today would break when an option with the same start is added.
constexpr int kStyle =
	po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// A configuration file this large is the wrong file.
constexpr std::size_t kMaxConfigFile = 1u << 20;

// Sets a field of CONFIG from TEXT, or says why not with NAME ("port" in
// the file, "--port" on the command line) as the subject.
using Apply = std::optional<std::string> (*)(OmdConfig &config, const std::string &text,
					     std::string_view name);

// One key of omd.conf, which is also an option of the command line.
struct Setting {
	const char *name;
	const char *value_name;
	const char *help;
	Apply apply;
};

std::optional<std::string> set_file(std::string &field, const std::string &text,
				    std::string_view name)
{
	if (text.empty() || text.find('\0') != std::string::npos)
		return fmt::format("{} must name a file (got {})", name, quote(text));
	field = text;
	return std::nullopt;
}

// A whole decimal number in 1..MAX, or nothing.
std::optional<unsigned long> parse_count(const std::string &text, unsigned long max)
{
	unsigned long n = 0;
	const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
	if (ec != std::errc{} || end != text.data() + text.size() || n < 1 || n > max)
		return std::nullopt;
	return n;
}

bool all_digits(const std::string &text)
{
	return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

std::optional<std::string> set_map(OmdConfig &config, const std::string &text, std::string_view name)
{
	std::string path;
	if (auto error = set_file(path, text, name))
		return error;
	config.map = path;
	return std::nullopt;
}

std::optional<std::string> set_key(OmdConfig &config, const std::string &text, std::string_view name)
{
	return set_file(config.key, text, name);
}

std::optional<std::string> set_listen(OmdConfig &config, const std::string &text,
				      std::string_view name)
{
	const auto address = Address::parse(text);
	if (!address)
		return fmt::format("{} must be an IP address such as 0.0.0.0 (any), :: or 10.0.0.1 "
				   "(got {})", name, quote(text));
	config.listen = *address;
	return std::nullopt;
}

std::optional<std::string> set_port(OmdConfig &config, const std::string &text, std::string_view name)
{
	const auto port = parse_count(text, 65535);
	if (!port)
		return all_digits(text)
			? fmt::format("{} must be between 1 and 65535 (got {})", name, text)
			: fmt::format("{} must be a number between 1 and 65535 (got {})", name, quote(text));
	config.port = static_cast<std::uint16_t>(*port);
	return std::nullopt;
}

// A whole number in 1..MAX, or auto (nothing), into FIELD; WHAT names the
// value in the error when TEXT is not a number.
template <typename T>
std::optional<std::string> set_count_or_auto(std::optional<T> &field, const std::string &text,
					     std::string_view name, unsigned long max,
					     std::string_view what)
{
	if (text == "auto") {
		field.reset();
		return std::nullopt;
	}
	const auto n = parse_count(text, max);
	if (!n)
		return all_digits(text)
			? fmt::format("{} must be between 1 and {} or auto (got {})", name, max, text)
			: fmt::format("{} must be {}, 1..{}, or auto (got {})", name, what, max,
				      quote(text));
	field = static_cast<T>(*n);
	return std::nullopt;
}

std::optional<std::string> set_node_id(OmdConfig &config, const std::string &text,
				       std::string_view name)
{
	return set_count_or_auto(config.node_id, text, name, OM_NODE_ID_MAX, "a node id");
}

std::optional<std::string> set_interval(OmdConfig &config, const std::string &text,
					std::string_view name)
{
	double seconds = 0;
	const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds,
					       std::chars_format::fixed);
	if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(seconds))
		return fmt::format("{} must be a number of seconds between 0.1 and 60 (got {})", name,
				   quote(text));
	if (seconds < 0.1 || seconds > 60)
		return fmt::format("{} must be between 0.1 and 60 seconds (got {})", name, text);
	config.interval = std::chrono::milliseconds(std::llround(seconds * 1000));
	return std::nullopt;
}

std::optional<std::string> set_speed(OmdConfig &config, const std::string &text, std::string_view name)
{
	return set_count_or_auto(config.speed, text, name, OM_LOAD_MAX_SPEED, "a number");
}

std::optional<std::string> set_discover(OmdConfig &config, const std::string &text,
					std::string_view name)
{
	static const std::map<std::string, bool, std::less<>> words{
		{"yes", true}, {"true", true}, {"on", true}, {"1", true},
		{"no", false}, {"false", false}, {"off", false}, {"0", false}};
	const auto it = words.find(text);
	if (it == words.end())
		return fmt::format("{} must be yes or no (got {})", name, quote(text));
	config.discover = it->second;
	return std::nullopt;
}

std::optional<std::string> set_discover_address(OmdConfig &config, const std::string &text,
						std::string_view name)
{
	const auto address = Address::parse(text);
	if (!address || !address->is_v4())
		return fmt::format("{} must be this node's IPv4 address on the cluster network, such "
				   "as 10.0.0.1 (got {})", name, quote(text));
	if (const auto why = address->unusable_reason())
		return fmt::format("{} cannot be {}: it is {}", name, text, *why);
	config.discover_address = *address;
	return std::nullopt;
}

// A group whose datagrams stay on the site: administratively scoped
// (239.0.0.0/8, RFC 2365) or link-local (224.0.0.0/24).
std::optional<std::string> set_discover_group(OmdConfig &config, const std::string &text,
					      std::string_view name)
{
	const auto group = Address::parse(text);
	const auto b = group && group->is_v4() ? group->bytes() : std::span<const std::uint8_t>();
	if (b.empty() || !(b[0] == 239 || (b[0] == 224 && b[1] == 0 && b[2] == 0)))
		return fmt::format("{} must be an IPv4 multicast group in 239.0.0.0/8 or 224.0.0.0/24, "
				   "such as 239.255.46.60 (got {})", name, quote(text));
	config.discover_group = *group;
	return std::nullopt;
}

constexpr Setting kSettings[] = {
	{"map", "FILE", "node map (default: the first of /etc/openmosix.map, /etc/mosix.map, "
			"/etc/hpc.map)", set_map},
	{"listen", "ADDRESS", "address to accept peers on (default 0.0.0.0: any)", set_listen},
	{"port", "PORT", "TCP port of the peer links (default 4660)", set_port},
	{"key", "FILE", "cluster key file (default /etc/openmosix/cluster.key)", set_key},
	{"node-id", "ID", "this node's id, 1..65535, or auto to derive it from the map (default)",
	 set_node_id},
	{"interval", "SECONDS", "seconds between load reports, 0.1..60 (default 1)", set_interval},
	{"speed", "N", "this node's speed, 1..100000000, 10000 being a Pentium III at 1 GHz; or "
		       "auto to measure it at start (default)", set_speed},
	{"discover", "yes|no", "find the other nodes and build the map (default no)", set_discover},
	{"discover-address", "ADDRESS", "this node's IPv4 address on the cluster network, which "
					"discovery announces (default: chosen, see omd(8))",
	 set_discover_address},
	{"discover-group", "GROUP", "the multicast group of discovery (default 239.255.46.60)",
	 set_discover_group},
};

std::string key_names()
{
	std::string names;
	for (const Setting &s : kSettings)
		names += names.empty() ? s.name : std::string(", ") + s.name;
	return names;
}

po::options_description file_options()
{
	po::options_description options;
	for (const Setting &s : kSettings)
		options.add_options()(s.name, po::value<std::string>());
	return options;
}

po::options_description command_line_options()
{
	po::options_description options("Options");
	options.add_options()
		("config,c", po::value<std::string>()->value_name("FILE"),
		 "configuration file (default /etc/openmosix/omd.conf)");
	for (const Setting &s : kSettings) {
		auto *value = po::value<std::string>()->value_name(s.value_name);
		if (std::string_view(s.name) == "discover")
			value->implicit_value("yes");	// --discover alone, --discover=no
		options.add_options()(s.name, value, s.help);
	}
	options.add_options()
		("help,h", "print this help")
		("version", "print omd's version")
		("verbose,v", "log more about what is going on");
	return options;
}

const Setting *find_setting(std::string_view name)
{
	for (const Setting &s : kSettings)
		if (name == s.name)
			return &s;
	return nullptr;
}

// A key = value line of the file.
struct FileSetting {
	const Setting *setting;
	std::string value;
	std::size_t line;
};

std::string_view trim(std::string_view s)
{
	const auto first = s.find_first_not_of(" \t\r");
	if (first == std::string_view::npos)
		return {};
	return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// Boost's parser reads one line at a time, so that every error and every
// key has the line it comes from.
std::optional<FileSetting> parse_line(std::string_view line, std::size_t number,
				      const po::options_description &options, ErrorList &errors)
{
	const std::string_view content = trim(line.substr(0, line.find('#')));
	if (content.empty())
		return std::nullopt;
	if (content.front() == '[' && content.back() == ']') {
		errors.add(number, 0, fmt::format("sections such as {} have no place in omd.conf: it "
						  "holds 'key = value' lines", quote(content)));
		return std::nullopt;
	}
	std::istringstream in{std::string(line)};
	try {
		const po::parsed_options parsed = po::parse_config_file(in, options, false);
		if (parsed.options.size() != 1 || parsed.options.front().value.size() != 1)
			throw po::invalid_config_file_syntax(std::string(content),
							     po::invalid_syntax::unrecognized_line);
		const po::option &o = parsed.options.front();
		return FileSetting{find_setting(o.string_key), o.value.front(), number};
	} catch (const po::unknown_option &) {
		errors.add(number, 0, fmt::format("unknown key {}: omd.conf sets {}",
						  quote(trim(content.substr(0, content.find('=')))),
						  key_names()));
	} catch (const po::error &) {
		errors.add(number, 0, fmt::format("expected 'key = value', got {}", quote(content)));
	}
	return std::nullopt;
}

std::vector<FileSetting> parse_file(std::string_view text, ErrorList &errors)
{
	const po::options_description options = file_options();
	std::vector<FileSetting> settings;
	std::map<std::string_view, std::size_t> first_line;
	std::size_t number = 0;
	while (!text.empty() && !errors.full()) {
		const std::size_t eol = text.find('\n');
		auto setting = parse_line(text.substr(0, eol), ++number, options, errors);
		if (setting) {
			const auto [it, first] = first_line.emplace(setting->setting->name, number);
			if (first)
				settings.push_back(std::move(*setting));
			else
				errors.add(number, 0, fmt::format("{} is set again; line {} set it already",
								  setting->setting->name, it->second));
		}
		if (eol == std::string_view::npos)
			break;
		text.remove_prefix(eol + 1);
	}
	return settings;
}

std::vector<ConfigError> file_errors(ErrorList &errors)
{
	std::vector<ConfigError> out;
	for (ParseError &e : errors.take())
		out.push_back({std::move(e.file), e.line, std::move(e.message)});
	return out;
}

po::variables_map parse_command_line(std::span<const std::string> args,
				     std::vector<ConfigError> &errors)
{
	po::variables_map vm;
	try {
		const std::vector<std::string> argv(args.begin(), args.end());
		// No positional arguments: without this, boost would drop them.
		const po::positional_options_description none;
		po::store(po::command_line_parser(argv).options(command_line_options()).positional(none)
				  .style(kStyle).run(), vm);
	} catch (const po::error &e) {
		errors.push_back({{}, 0, e.what()});
		vm.clear();
	}
	return vm;
}

// --help and --version work whatever the configuration holds.
bool wants_only_text(const po::variables_map &vm)
{
	return vm.count("help") || vm.count("version");
}

} // namespace

std::string ConfigError::to_string() const
{
	return file.empty() ? message : fmt::format("{}:{}: {}", file, line, message);
}

const std::string &default_omd_config_path()
{
	static const std::string path = "/etc/openmosix/omd.conf";
	return path;
}

std::vector<std::string> OmdConfig::map_paths() const
{
	return map ? std::vector<std::string>{*map} : default_map_paths();
}

OmdConfigResult parse_omd_config(std::span<const std::string> args, std::string_view text,
				 std::string_view config_path)
{
	OmdConfig config;
	config.config_path = config_path;
	std::vector<ConfigError> errors;
	const po::variables_map vm = parse_command_line(args, errors);

	// The file first, so that the command line overrides it; the errors of
	// the command line come first.
	ErrorList file_list(config_path);
	for (const FileSetting &s : parse_file(text, file_list))
		if (auto error = s.setting->apply(config, s.value, s.setting->name))
			file_list.add(s.line, 0, std::move(*error));
	for (const Setting &s : kSettings)
		if (vm.count(s.name))
			if (auto error = s.apply(config, vm[s.name].as<std::string>(),
						 std::string("--") + s.name))
				errors.push_back({{}, 0, std::move(*error)});
	const std::vector<ConfigError> in_file = file_errors(file_list);
	errors.insert(errors.end(), in_file.begin(), in_file.end());
	config.help = vm.count("help") > 0;
	config.version = vm.count("version") > 0;
	config.verbose = vm.count("verbose") > 0;
	if (!errors.empty() && !wants_only_text(vm))
		return errors;
	return config;
}

OmdConfigResult load_omd_config(std::span<const std::string> args)
{
	std::vector<ConfigError> errors;
	const po::variables_map vm = parse_command_line(args, errors);
	if (!errors.empty())
		return errors;
	if (wants_only_text(vm))
		return parse_omd_config(args, {}, default_omd_config_path());
	const bool named = vm.count("config") > 0;
	const std::string path = named ? vm["config"].as<std::string>() : default_omd_config_path();

	const FileText file = read_file_text(path, kMaxConfigFile);
	if (file.error == ENOENT && !named)
		return parse_omd_config(args, {}, path);
	if (file.error)
		return std::vector<ConfigError>{
			{{}, 0, fmt::format("cannot read {}: {}", path, std::strerror(file.error))}};
	if (file.too_large)
		return std::vector<ConfigError>{
			{{}, 0, fmt::format("{} is larger than {} MiB: is it the right file?",
					    path, kMaxConfigFile >> 20)}};
	return parse_omd_config(args, file.text, path);
}

std::string omd_options_help()
{
	std::ostringstream out;
	out << command_line_options();
	return out.str();
}

} // namespace om
