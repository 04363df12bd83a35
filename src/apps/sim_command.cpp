// `ilnp sim`: options, finding the repository's topo/ and experiments/, the
// default results folder, and the closing line. The work is in sim_plan
// (what to run) and sim_run (running it).
#include "sim_command.hpp"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "sim_plan.hpp"
#include "sim_run.hpp"

namespace ilnp::apps {

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

constexpr const char* kUsage = R"(usage: ilnp sim TOPO_OR_EXPERIMENT [--out DIR] [--seed N] [--run-time S] [--trace] [knobs]
       ilnp sim --plan TOPO_OR_EXPERIMENT [knobs]

Runs every node of a topology (topo/NAME.topo) or an experiment
(experiments/NAME.exp, with its topology and flows) in this one process, in
virtual time over simulated links, with the same node code as `ilnp node`.
Writes the results folder `scripts/experiment run` writes: experiment.json
and logs/NODE.{out,log,ini}; `experiments/analyze.py DIR` (or
`scripts/experiment run --sim`) adds the tables and plots. Same seed, same
results. Link conditions (delay, jitter, loss, rate) act on simulated links.
A .topo alone runs its own applications (heartbeats) for --run-time seconds.

)";

std::string utc_stamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

bool is_repo(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p / "topo", ec) && fs::is_directory(p / "experiments", ec);
}

// The checkout holding topo/ and experiments/: --repo, $ILNP_REPO, the
// working directory or one above it, or where this binary was built.
std::string find_repo(const po::variables_map& vm) {
  if (vm.count("repo")) return vm["repo"].as<std::string>();
  if (const char* env = std::getenv("ILNP_REPO")) return env;
  std::vector<fs::path> starts{fs::current_path()};
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) starts.push_back(exe.parent_path());
  for (auto p : starts)
    for (int up = 0; up < 4 && !p.empty(); ++up, p = p.parent_path())
      if (is_repo(p)) return p.string();
  return fs::current_path().string();
}

// scripts/experiment's knobs, as --set overrides.
std::vector<std::string> knob_overrides(const po::variables_map& vm, bool topology) {
  std::vector<std::string> sets;
  if (vm.count("set")) sets = vm["set"].as<std::vector<std::string>>();
  auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  if (vm.count("moves")) sets.push_back("moves=" + std::to_string(vm["moves"].as<int>()));
  if (vm.count("run-time") && !topology) sets.push_back("run_time=" + num(vm["run-time"].as<double>()));
  if (vm.count("handoff")) sets.push_back("handoff=" + vm["handoff"].as<std::string>());
  if (vm.count("move-time")) sets.push_back("mobile.move_time=" + num(vm["move-time"].as<double>()));
  if (vm.count("handoff-time")) sets.push_back("mobile.handoff_time=" + num(vm["handoff-time"].as<double>()));
  for (const char* key : {"loss", "delay", "jitter", "rate"}) {
    if (!vm.count(key)) continue;
    for (const auto& value : vm[key].as<std::vector<std::string>>()) {
      auto eq = value.find('=');
      sets.push_back(eq == std::string::npos ? "*." + std::string(key) + "=" + value
                                             : value.substr(0, eq) + "." + key + "=" + value.substr(eq + 1));
    }
  }
  return sets;
}

}  // namespace

int run_sim(int argc, char** argv) {
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")("out", po::value<std::string>()->value_name("DIR"),
                                                 "results folder (default experiments/results/NAME-sim-UTCTIME)")(
      "seed", po::value<std::uint64_t>()->default_value(1)->value_name("N"), "random seed: same seed, same results")(
      "run-time", po::value<double>()->value_name("S"),
      "seconds the senders send (an experiment), or the whole run (a topology; default 60)")(
      "trace", "also write trace.pcap: every datagram put on a simulated link (open with Wireshark and "
               "proto/wireshark/ilnp-overlay.lua)")(
      "plan", "print what the file resolves to (JSON: experiment.json's description and every node's INI keys) "
              "and exit")("repo", po::value<std::string>()->value_name("DIR"),
                          "the checkout with topo/ and experiments/ (default: found from here or the binary)")(
      "moves", po::value<int>()->value_name("N"), "number of moves (sets the run time)")(
      "handoff", po::value<std::string>()->value_name("soft|hard"), "hard = handoff_time 0 on the mobile nodes")(
      "move-time", po::value<double>()->value_name("S"), "the mobile nodes' move_time")(
      "handoff-time", po::value<double>()->value_name("S"), "the mobile nodes' handoff_time")(
      "loss", po::value<std::vector<std::string>>()->value_name("[NODE=]P"), "loss on every node's link (1%), or one node's")(
      "delay", po::value<std::vector<std::string>>()->value_name("[NODE=]D"), "delay (20ms), every node or one")(
      "jitter", po::value<std::vector<std::string>>()->value_name("[NODE=]D"), "jitter (5ms), every node or one")(
      "rate", po::value<std::vector<std::string>>()->value_name("[NODE=]R"), "rate limit (2mbit), every node or one")(
      "set", po::value<std::vector<std::string>>()->value_name("KEY=VALUE"),
      "an experiment key, or NODE.KEY=VALUE (NODE: a name, '*', 'mobile'), as scripts/experiment --set");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>());
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << kUsage << desc;
    return 0;
  }
  if (!vm.count("file")) {
    std::cerr << "ilnp sim: which topology or experiment? (ilnp sim --help)\n";
    return 2;
  }
  auto file = vm["file"].as<std::string>();
  auto repo = find_repo(vm);
  bool topology = file.size() > 5 && file.substr(file.size() - 5) == ".topo";
  sim::Plan plan;
  try {
    plan = sim::load_plan(file, repo, knob_overrides(vm, topology));
  } catch (const sim::PlanError& e) {
    std::cerr << "ilnp sim: " << e.what() << "\n";
    return 1;
  }
  if (!plan.is_experiment && vm.count("run-time")) plan.run_time_s = vm["run-time"].as<double>();
  if (vm.count("plan")) {
    std::cout << plan.plan_json() << "\n";
    return 0;
  }
  sim::SimOptions options;
  options.seed = vm["seed"].as<std::uint64_t>();
  options.trace = vm.count("trace") > 0;
  options.out_dir = vm.count("out") ? vm["out"].as<std::string>()
                                    : (fs::path(repo) / "experiments" / "results" / (plan.name + "-sim-" + utc_stamp())).string();
  if (fs::exists(fs::path(options.out_dir) / "experiment.json")) {
    std::cerr << "ilnp sim: " << options.out_dir << " already holds results: give another --out\n";
    return 1;
  }
  sim::SimReport report;
  try {
    report = sim::run_simulation(plan, options);
  } catch (const sim::PlanError& e) {
    std::cerr << "ilnp sim: " << e.what() << "\n";
    return 1;
  }
  for (const auto& p : report.problems) std::cerr << "ilnp sim: problem: " << p << "\n";
  std::printf("ilnp sim: %s: %zu nodes, %.1f s simulated in %.2f s (%llu datagrams on links) -> %s\n",
              plan.name.c_str(), report.nodes, report.simulated_s, report.wall_s,
              static_cast<unsigned long long>(report.transmissions), options.out_dir.c_str());
  std::printf("tables and plots: experiments/analyze.py %s\n", options.out_dir.c_str());
  return report.problems.empty() ? 0 : 1;
}

}  // namespace ilnp::apps
