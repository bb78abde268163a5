/**
 * One box for request id, output or input hash, enclave id, tx hash, address or model.
 * A plain GET form, so it works before JavaScript loads and from the keyboard.
 */
export function SearchBox({ defaultValue }: { defaultValue?: string }) {
  return (
    <form action="/search" method="get" role="search" className="flex">
      <label htmlFor="global-search" className="sr-only">
        Search by hash, address, transaction or model
      </label>
      <input
        id="global-search"
        name="q"
        type="search"
        defaultValue={defaultValue}
        placeholder="Hash, address, tx or model"
        className="w-full rounded-l-md border border-slate-300 px-3 py-1.5 text-sm"
      />
      <button
        type="submit"
        className="rounded-r-md border border-l-0 border-slate-300 bg-slate-100 px-3 text-sm font-medium hover:bg-slate-200"
      >
        Search
      </button>
    </form>
  );
}
