export { HandleTable } from "./table.js";
export { ResourceType, ResourceHandle, BorrowScope } from "./handle.js";
export {
  type ResourceBinding,
  HostResourceBinding,
  GuestResourceBinding,
  GuestResource,
  runDestructor,
} from "./binding.js";
export { resourceNew, resourceRep, resourceDrop } from "./builtins.js";
